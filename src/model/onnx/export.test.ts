import { describe, expect, test } from 'bun:test';
import * as ort from 'onnxruntime-node';
import type { TabularEncoding } from '../dataset.ts';
import { ONNX_INPUT_METADATA_KEY } from '../model.ts';
import { createNetwork } from '../nn/network.ts';
import { mulberry32 } from '../random.ts';
import { GraphBuilder, readModelMetadata } from './builder.ts';
import { buildInferenceModel, INFERENCE_IO } from './export.ts';

async function run(bytes: Uint8Array, data: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ [INFERENCE_IO.input]: new ort.Tensor('float32', data, dims) });
    return out[INFERENCE_IO.output]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

function expectClose(a: Float32Array, b: Float32Array, tolerance = 1e-4) {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(tolerance));
}

const encoding: TabularEncoding = {
  columns: [
    { name: 'age', kind: 'numeric', mean: 40, std: 10 },
    { name: 'colour', kind: 'categorical', categories: ['blue', 'green', 'red'] },
    { name: 'height', kind: 'numeric', mean: 170, std: 5 },
    { name: 'weight', kind: 'numeric', mean: 70, std: 7 },
  ],
  width: 6,
};
// Raw rows: numbers, a category index (-1 unknown), and a missing number (NaN).
const raw = Float32Array.from([
  50, 2, 160, 80,
  30, 0, 175, 60,
  41, -1, Number.NaN, 70,
]);
// What the loader would have made of them: standardised, one-hot, missing → 0.
const encoded = Float32Array.from([
  1, 0, 0, 1, -2, 10 / 7,
  -1, 1, 0, 0, 1, -10 / 7,
  0.1, 0, 0, 0, 0, 0,
]);

describe('inference export', () => {
  test('tabular preprocessing in the graph equals the loader encoding', async () => {
    const bytes = buildInferenceModel({ input: { kind: 'tabular', encoding }, output: { kind: 'values' }, body: (g, x) => g.op('Reshape', [x, g.constantInt([-1])]) });
    expectClose(await run(bytes, raw, [3, 4]), encoded, 1e-6);
  });

  test('a classifier answers the network probabilities from raw rows', async () => {
    const net = createNetwork({ input: [6], layers: [{ type: 'dense', units: 5 }, { type: 'tanh' }, { type: 'dense', units: 3 }], loss: 'softmaxCrossEntropy' }, { seed: 4 });
    const bytes = net.toOnnx({ input: { kind: 'tabular', encoding } });
    const got = await run(bytes, raw, [3, 4]);
    expectClose(got, await net.predict(encoded));
    expect(got[0]! + got[1]! + got[2]!).toBeCloseTo(1, 5);
    expect(JSON.parse(readModelMetadata(bytes)[ONNX_INPUT_METADATA_KEY]!)).toEqual({
      kind: 'tabular',
      columns: [
        { name: 'age', categories: null }, { name: 'colour', categories: ['blue', 'green', 'red'] },
        { name: 'height', categories: null }, { name: 'weight', categories: null },
      ],
    });
  });

  test('a regressor answers values [N], de-standardised', async () => {
    const net = createNetwork({ input: [6], layers: [{ type: 'dense', units: 4 }, { type: 'relu' }, { type: 'dense', units: 1 }], loss: 'mse' }, { seed: 5 });
    const got = await run(net.toOnnx({ input: { kind: 'tabular', encoding }, target: { mean: 100, std: 20 } }), raw, [3, 4]);
    expectClose(got, (await net.predict(encoded)).map((v) => v * 20 + 100), 1e-3);
  });

  test('an image network takes NHWC pixels 0–255', async () => {
    const net = createNetwork({
      input: [8, 8, 3],
      layers: [{ type: 'conv2d', filters: 4, kernel: 3 }, { type: 'maxPool', size: 2 }, { type: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 3 }],
      loss: 'softmaxCrossEntropy',
    }, { seed: 6 });
    const random = mulberry32(7);
    const pixels = Float32Array.from({ length: 2 * 8 * 8 * 3 }, () => Math.floor(random() * 256));
    const bytes = net.toOnnx({ input: { kind: 'image', shape: { height: 8, width: 8, channels: 3 } } });
    expectClose(await run(bytes, pixels, [2, 8, 8, 3]), await net.predict(pixels.map((v) => v / 255)));
    expect(JSON.parse(readModelMetadata(bytes)[ONNX_INPUT_METADATA_KEY]!)).toEqual({ kind: 'image', height: 8, width: 8, channels: 3 });
  });
});

describe('GraphBuilder', () => {
  test('refuses a name used twice and a fractional integer attribute', () => {
    const g = new GraphBuilder('g');
    g.input('x', 'float32', [1]);
    expect(() => g.input('x', 'float32', [1])).toThrow('"x" is already used');
    expect(() => g.op('Softmax', ['x'], { axis: 0.5 })).toThrow('{ float: 0.5 }');
  });
});
