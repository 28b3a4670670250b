import { describe, expect, test } from 'bun:test';
import { png, zip } from '../../../test/fixtures/datasets.ts';
import { loadImageDataset } from '../datasets/images.ts';
import { sampleQueries } from '../datasets/load.ts';
import { imageQueriesToTensor } from './image.ts';

const GREY = { height: 2, width: 2, channels: 1 } as const;

describe('imageQueriesToTensor', () => {
  test('grey and colour queries, resized, in pixel values 0–255', () => {
    const grey = [[0, 255], [255, 0]];
    const colour = [[[255, 0, 0], [255, 0, 0]], [[255, 0, 0], [255, 0, 0]]];
    const rgba = [[[0, 0, 255, 10]]];
    const data = imageQueriesToTensor([grey, colour, rgba], GREY);
    expect([...data.subarray(0, 4)]).toEqual([0, 255, 255, 0]);
    for (const v of data.subarray(4, 8)) expect(v).toBeCloseTo(0.299 * 255, 3);
    for (const v of data.subarray(8, 12)) expect(v).toBeCloseTo(0.114 * 255, 3);
    const big = Array.from({ length: 4 }, (_, y) => Array.from({ length: 4 }, () => (y < 2 ? 0 : 200)));
    expect([...imageQueriesToTensor([big], GREY)]).toEqual([0, 0, 200, 200]);
    expect([...imageQueriesToTensor([grey], { height: 1, width: 1, channels: 3 })]).toEqual([127.5, 127.5, 127.5]);
  });

  test('queries are resized exactly as the dataset\'s images are, so training and serving agree', async () => {
    const draw = (x: number, y: number) => [(x * 37 + y * 11) % 256, (x * 5) % 256, (y * 90) % 256];
    const bytes = zip({ 'images.csv': 'path,class\na.png,1\nb.png,2\n', 'a.png': png(7, 5, draw), 'b.png': png(3, 9, (x, y) => (x + y) * 20) });
    const data = await loadImageDataset(bytes);
    const queries = await sampleQueries(bytes, data, { count: 5 });
    expect(queries.length).toBe(2);
    for (const shape of [{ height: 4, width: 6, channels: 3 }, { height: 12, width: 2, channels: 1 }] as const) {
      const fromQueries = imageQueriesToTensor(queries, shape).map((v) => v / 255);
      const fromDataset = data.images(shape);
      fromQueries.forEach((v, i) => expect(Math.abs(v - fromDataset[i]!)).toBeLessThan(1e-6));
    }
  });

  test('queries that are not rectangular arrays of numbers 0–255 are refused with their place', () => {
    const bad: [unknown, string][] = [
      ['pixels', 'query 0: an image must be a non-empty H×W or H×W×C array'],
      [[], 'query 0: an image must be a non-empty'],
      [[[1, 2], [3]], 'query 0: row 1 must be an array of 2 pixels like row 0'],
      [[[1, 2], [3, 'x']], 'query 0: pixel (1, 1) has "x"; pixel values are numbers 0–255'],
      [[[1, 256]], 'query 0: pixel (0, 1) has 256'],
      [[[[1, 2]]], 'query 0: a pixel must have 1, 3 or 4 channels, not 2'],
      [[[[1, 2, 3], 4]], 'query 0: pixel (0, 1) must have 3 channels like pixel (0, 0)'],
    ];
    for (const [query, message] of bad) expect(() => imageQueriesToTensor([query], GREY)).toThrow(message);
  });
});
