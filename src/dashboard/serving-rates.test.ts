import { expect, test } from 'bun:test';
import { quantile, rates } from './serving-rates.ts';

const empty = { answers: {}, errors: 0, latencySeconds: { buckets: [[0.001, 0], [0.01, 0], [0.1, 0]] as [number, number][], sum: 0, count: 0 }, batchSize: { buckets: [[1, 0], [8, 0]] as [number, number][], sum: 0, count: 0 } };

test('quantiles interpolate within the bucket of what was gained between the readings', () => {
  const before = { buckets: [[0.001, 10], [0.01, 10], [0.1, 10]] as [number, number][], sum: 0, count: 10 };
  // 100 more: 50 under 1 ms, 50 between 1 and 10 ms.
  const after = { buckets: [[0.001, 60], [0.01, 110], [0.1, 110]] as [number, number][], sum: 0, count: 110 };
  expect(quantile(0.5, before, after)).toBeCloseTo(0.001, 9);
  expect(quantile(0.75, before, after)).toBeCloseTo(0.001 + 0.009 * 0.5, 9);
  expect(quantile(0.5, before, before)).toBeNull();
});

test('a quantile past the last finite bound is that bound', () => {
  const after = { buckets: [[0.001, 0], [0.01, 1]] as [number, number][], sum: 5, count: 10 };
  expect(quantile(0.99, { buckets: [], sum: 0, count: 0 }, after)).toBe(0.01);
});

test('rates over the seconds between readings: requests and errors per second, mean batch size', () => {
  const after = { ...empty, answers: { '200': 18, '400': 2 }, errors: 2, batchSize: { buckets: [[1, 2], [8, 5]] as [number, number][], sum: 20, count: 5 } };
  const r = rates(empty, after, 2);
  expect(r.requestsPerSecond).toBe(10);
  expect(r.errorsPerSecond).toBe(1);
  expect(r.meanBatchSize).toBe(4);
  expect(r.p50Ms).toBeNull();
});
