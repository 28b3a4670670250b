import { expect, test } from 'bun:test';
import { mulberry32 } from '../../model/random.ts';
import { ParzenEstimator } from './parzen.ts';

test('a Parzen estimator samples inside [0, 1], near its points, and its density integrates to 1', () => {
  const estimator = new ParzenEstimator([[0.2, 1], [0.25, 1], [0.3, 0]], [1, 1, 1], [{ kind: 'numeric' }, { kind: 'categorical', choices: 3 }]);
  const rng = mulberry32(1);
  const samples = Array.from({ length: 2000 }, () => estimator.sample(rng));
  expect(samples.every(([x, c]) => x! >= 0 && x! <= 1 && [0, 1, 2].includes(c!))).toBe(true);
  expect(samples.filter(([x]) => x! < 0.5).length / samples.length).toBeGreaterThan(0.6);
  expect(samples.filter(([, c]) => c === 1).length).toBeGreaterThan(samples.filter(([, c]) => c === 2).length);
  let mass = 0;
  for (let i = 0; i < 1000; i++) for (const c of [0, 1, 2]) mass += Math.exp(estimator.logPdf([(i + 0.5) / 1000, c])) / 1000;
  expect(mass).toBeCloseTo(1, 2);
});
