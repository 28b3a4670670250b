import { expect, test } from 'bun:test';
import type { OnnxInputSpec } from '../../model/model.ts';
import { v2Queries } from './v2-request.ts';

const iris: OnnxInputSpec = { kind: 'tabular', columns: ['a', 'b', 'c', 'd'].map((name) => ({ name, categories: null })) };
const tabular = { task: 'TABULAR_CLASSIFICATION', input: iris } as const;
const image = { task: 'IMAGE_CLASSIFICATION', input: { kind: 'image', height: 2, width: 2, channels: 1 } } as const;
const input = (fields: Record<string, unknown>) => ({ inputs: [{ name: 'input', datatype: 'FP32', ...fields }] });

test('a tabular [N, features] tensor becomes N rows; nested data is read row-major', () => {
  expect(v2Queries(input({ shape: [2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8] }), tabular).queries).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
  expect(v2Queries(input({ shape: [1, 4], datatype: 'INT32', data: [[1, 2, 3, 4]] }), tabular).queries).toEqual([[1, 2, 3, 4]]);
});

test('categorical columns take the category index in numeric tensors and the label in BYTES', () => {
  const spec: OnnxInputSpec = { kind: 'tabular', columns: [{ name: 'size', categories: null }, { name: 'colour', categories: ['blue', 'red'] }] };
  const model = { task: 'TABULAR_REGRESSION', input: spec } as const;
  expect(v2Queries(input({ shape: [3, 2], data: [1.5, 1, 2, 0, 3, 7] }), model).queries).toEqual([[1.5, 'red'], [2, 'blue'], [3, null]]);
  expect(v2Queries(input({ shape: [2, 2], datatype: 'BYTES', data: ['1.5', 'red', null, 'green'] }), model).queries).toEqual([['1.5', 'red'], [null, 'green']]);
  expect(() => v2Queries(input({ shape: [1, 2], datatype: 'BYTES', data: [1, { a: 1 }] }), model)).toThrow('BYTES data must be text');
});

test('images [N, H, W] and [N, H, W, C]', () => {
  expect(v2Queries(input({ shape: [1, 2, 2], datatype: 'UINT8', data: [0, 1, 2, 3] }), image).queries).toEqual([[[0, 1], [2, 3]]]);
  expect(v2Queries(input({ shape: [1, 2, 1, 3], data: [1, 2, 3, 4, 5, 6] }), image).queries).toEqual([[[[1, 2, 3]], [[4, 5, 6]]]]);
});

test('each mistake is a 400 saying what was expected', () => {
  const cases: [unknown, string][] = [
    [{}, "must have required property 'inputs'"],
    [{ inputs: [] }, 'inputs must NOT have fewer than 1 items'],
    [{ inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }, { name: 'y', shape: [1], datatype: 'FP32', data: [1] }] }, 'one input tensor'],
    [input({ shape: [1, 4], datatype: 'STRING', data: ['a'] }), 'must be one of FP32'],
    [input({ shape: [2, 4], data: [1, 2, 3, 4] }), 'holds 8 values, but its data has 4'],
    [input({ shape: [1, 3], data: [1, 2, 3] }), 'must have shape [N, 4] (a, b, c, d), got [1, 3]'],
    [input({ shape: [1, 4], data: [1, 2, 'x', 4] }), 'data[2] is "x"'],
    [input({ shape: [1, 4], datatype: 'UINT8', data: [1, 2, 300, 4] }), 'UINT8 data must be integers from 0 to 255'],
    [input({ shape: [1, -4], data: [] }), 'inputs.0.shape.1 must be >= 0'],
  ];
  for (const [body, message] of cases) {
    let caught: unknown;
    try {
      v2Queries(body, tabular);
    } catch (err) {
      caught = err;
    }
    expect((caught as { status: number }).status).toBe(400);
    expect((caught as Error).message).toContain(message);
  }
  expect(() => v2Queries(input({ shape: [1, 4], data: [1, 2, 3, 4] }), image)).toThrow('an image input must have shape [N, 2, 2]');
  expect(() => v2Queries(input({ shape: [1, 2, 1, 2], data: [1, 2, 3, 4] }), image)).toThrow('with 1, 3 or 4 channels, got [1, 2, 1, 2]');
  expect(() => v2Queries(input({ shape: [1, 2, 2], datatype: 'BYTES', data: ['1', '2', '3', '4'] }), image)).toThrow('not BYTES');
});
