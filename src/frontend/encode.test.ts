import { expect, test } from 'bun:test';
import type { OnnxInputSpec } from '../model/model.ts';
import { imageQueriesToTensor } from '../model/queries/image.ts';
import { encodeQueries } from './encode.ts';

const spec = { kind: 'image', height: 2, width: 3, channels: 1 } as const;

test('images of the model size are copied as the SDK would encode them', () => {
  const queries = [[[0, 1, 2], [3, 4, 255]], [[[9], [8], [7]], [[6], [5], [4]]]];
  const rows = encodeQueries(spec, queries);
  expect(rows.map((r) => [...r])).toEqual(queries.map((q) => [...imageQueriesToTensor([q], spec)]));
});

test('other sizes are resized by the SDK; bad pixels name the query', () => {
  const big = Array.from({ length: 4 }, () => [10, 10, 10, 10, 10, 10]);
  expect([...encodeQueries(spec, [big])[0]!]).toEqual([...imageQueriesToTensor([big], spec)]);
  expect(() => encodeQueries(spec, [[[0, 1, 2], [3, 4, 5]], [[0, 1, 2], [3, 4, 300]]])).toThrow('query 1: pixel (1, 2)');
});

test('tabular rows come from the SDK encoder', () => {
  const tabular: OnnxInputSpec = { kind: 'tabular', columns: [{ name: 'a', categories: null }, { name: 'b', categories: ['x', 'y'] }] };
  expect(encodeQueries(tabular, [[1.5, 'y'], { a: 2, b: 'z' }]).map((r) => [...r])).toEqual([[1.5, 1], [2, -1]]);
});
