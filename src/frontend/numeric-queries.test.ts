import { expect, test } from 'bun:test';
import type { OnnxInputSpec } from '../model/model.ts';
import { encodeQueries } from './encode.ts';
import { readNumericQueries } from './numeric-queries.ts';

const image: OnnxInputSpec = { kind: 'image', height: 3, width: 2, channels: 1 };
const rgb: OnnxInputSpec = { kind: 'image', height: 2, width: 2, channels: 3 };
const tabular: OnnxInputSpec = { kind: 'tabular', columns: ['a', 'b', 'c'].map((name) => ({ name, categories: null })) };

const read = (body: string, input: OnnxInputSpec) => readNumericQueries(Buffer.from(body), input);

/** What the general path makes of the same body: JSON.parse, then the encoder. */
function general(body: string, input: OnnxInputSpec): Float32Array[] {
  const parsed = JSON.parse(body) as { query?: unknown; queries?: unknown[] };
  return encodeQueries(input, parsed.queries ?? [parsed.query]);
}

function expectSameRows(body: string, input: OnnxInputSpec): void {
  const fast = read(body, input);
  if (fast === null) throw new Error(`the fast path declined ${body}`);
  const expected = general(body, input);
  expect(fast.rows.map((row) => [...row])).toEqual(expected.map((row) => [...row]));
}

test('images, one and several, with and without deadline_ms, in any key order and spacing', () => {
  expectSameRows('{"query": [[0, 1], [2, 3], [254, 255]]}', image);
  expectSameRows(' {\n\t"deadline_ms" : 250 ,"queries":[ [[0,1],[2,3],[4,5]] , [[6,7],[8,9],[10,11]] ] }\r\n', image);
  expectSameRows('{"query": [[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]]}', rgb);
  expect(read('{"query": [[0, 1], [2, 3], [4, 5]]}', image)).toMatchObject({ single: true });
  expect(read('{"queries": [[[0, 1], [2, 3], [4, 5]]], "deadline_ms": 1e2}', image)).toMatchObject({ single: false, deadlineMs: 100 });
  expectSameRows('{"query": [1.5, -2, 3e-3]}', tabular);
});

test('every number is read as JSON.parse reads it, then rounded to FP32 as the encoder does', () => {
  let seed = 99;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const numbers = ['0', '-0', '255', '254.99999999999999', '0.1', '1e2', '2.55E+2', '1.25e-1', '123.456', '0.000001', '9007199254740993',
    '1234567890.123456789', '1e22', '1e-22', '3.4028235e38', '-3.4028235e38', '5e-324'];
  for (let i = 0; i < 3000; i++) {
    const x = (random() - 0.5) * 10 ** Math.floor(random() * 30 - 12);
    numbers.push(String(x), x.toFixed(Math.floor(random() * 12)), x.toExponential(Math.floor(random() * 17)));
  }
  // deadline_ms comes back unrounded, so it shows the double itself.
  for (const number of numbers) {
    const deadlineMs = read(`{"query": [1, 2, 3], "deadline_ms": ${number}}`, tabular)?.deadlineMs;
    if (!Object.is(deadlineMs, JSON.parse(number))) throw new Error(`${number} read as ${deadlineMs}, JSON.parse gives ${JSON.parse(number)}`);
  }
  const rows = [];
  for (let i = 0; i + 3 <= numbers.length; i += 3) rows.push(`[${numbers.slice(i, i + 3).join(',')}]`);
  expectSameRows(`{"queries": [${rows.join(',')}]}`, tabular);
  const pixels = Array.from({ length: 600 }, () => (random() * 255).toFixed(Math.floor(random() * 6)));
  const images = Array.from({ length: 100 }, (_, k) => `[[${pixels.slice(k * 6, k * 6 + 2)}],[${pixels.slice(k * 6 + 2, k * 6 + 4)}],[${pixels.slice(k * 6 + 4, k * 6 + 6)}]]`);
  expectSameRows(`{"queries": [${images.join(',')}]}`, image);
});

test('every other body is left to the general path', () => {
  const declined = [
    '', '[]', '{}', '{"query": [[0, 1], [2, 3], [4, 5]]', '{"query": [[0, 1], [2, 3], [4, 5]]} x',
    '{"query": [[0, 1], [2, 3]]}', '{"query": [[0, 1], [2, 3], [4, 5], [6, 7]]}', '{"query": [[0, 1, 2], [2, 3, 4], [4, 5, 6]]}',
    '{"query": [[0], [2, 3], [4, 5]]}', '{"query": [[0, 1], [2, 3], 4]}', '{"query": [[0, 1], [2, [3]], [4, 5]]}',
    '{"query": [[[0], [1]], [[2], [3]], [[4], [5]]]}', '{"query": [[0, 1], [2, 3], [4, 256]]}', '{"query": [[0, 1], [2, 3], [4, -1]]}',
    '{"query": [[0, 1], [2, 3], [4, "5"]]}', '{"query": [[0, 1], [2, 3], [4, null]]}', '{"query": [[0, 1], [2, 3], [4, 05]]}',
    '{"query": [[0, 1], [2, 3], [4, 5,]]}', '{"query": [[0, 1], [2, 3], [4, .5]]}', '{"query": [[0, 1], [2, 3], [4, 5.]]}',
    '{"query": [[0, 1], [2, 3], [4, 5]], "extra": 1}', '{"query": [[0, 1], [2, 3], [4, 5]], "query": [[0, 1], [2, 3], [4, 5]]}',
    '{"query": [[0, 1], [2, 3], [4, 5]], "queries": []}', '{"queries": []}', '{"query": [[0, 1], [2, 3], [4, 5]], "deadline_ms": "5"}',
    '{"qu\\u0065ry": [[0, 1], [2, 3], [4, 5]]}', '{"query": {"a": 1}}',
  ];
  for (const body of declined) {
    if (read(body, image) !== null) throw new Error(`the fast path took ${body}`);
  }
  expect(read('{"query": [1, 2, 1e400]}', tabular)).toBeNull();
  expect(read('{"query": [1, 2, -1.7976931348623157e308]}', tabular)).toBeNull();
  expect(read('{"query": {"a": 1, "b": 2, "c": 3}}', tabular)).toBeNull();
  const categorical: OnnxInputSpec = { kind: 'tabular', columns: [{ name: 'a', categories: ['x', 'y'] }, { name: 'b', categories: null }] };
  expect(read('{"query": [0, 1]}', categorical)).toBeNull();
});
