// Checks the ONNX forward, loss and gradient graphs against a plain float64
// JavaScript reference of the same network, and its finite differences.
import { describe, expect, test } from 'bun:test';
import * as ort from 'onnxruntime-node';
import { encodeModel, GraphBuilder } from '../onnx/builder.ts';
import { emitBackward } from './backward.ts';
import { convPad, emitForward } from './forward.ts';
import { initialWeights, type Weights } from './init.ts';
import { emitLoss } from './loss.ts';
import { mulberry32 } from '../random.ts';
import { inferShapes, internalInputShape, outputSize, paramInfos, type NetworkSpec } from './spec.ts';

type W64 = Record<string, Float64Array>;

/** Plain float64 forward pass and mean loss, the reference for the ONNX graphs. */
function referenceLoss(spec: NetworkSpec, w: W64, x: Float64Array, y: Float32Array): { loss: number; output: Float64Array } {
  const n = y.length;
  let shape = internalInputShape(spec);
  let v = x;
  if (spec.input.length === 3) {
    const [h, wd, c] = spec.input as [number, number, number];
    v = new Float64Array(x.length);
    for (let s = 0; s < n; s++) for (let i = 0; i < h; i++) for (let j = 0; j < wd; j++) for (let k = 0; k < c; k++) {
      v[((s * c + k) * h + i) * wd + j] = x[((s * h + i) * wd + j) * c + k]!;
    }
  }
  const shapes = inferShapes(spec);
  spec.layers.forEach((layer, li) => {
    const out = shapes[li]!.output;
    const outSize = out.reduce((a, b) => a * b, 1);
    const inSize = shape.reduce((a, b) => a * b, 1);
    const next = new Float64Array(n * outSize);
    const W = w[`layer${li}.weight`]!;
    const B = w[`layer${li}.bias`]!;
    for (let s = 0; s < n; s++) {
      const xin = v.subarray(s * inSize, (s + 1) * inSize);
      const yo = next.subarray(s * outSize, (s + 1) * outSize);
      switch (layer.type) {
        case 'dense':
          for (let o = 0; o < layer.units; o++) {
            let sum = B[o]!;
            for (let i = 0; i < inSize; i++) sum += xin[i]! * W[i * layer.units + o]!;
            yo[o] = sum;
          }
          break;
        case 'relu': xin.forEach((a, i) => { yo[i] = Math.max(0, a); }); break;
        case 'tanh': xin.forEach((a, i) => { yo[i] = Math.tanh(a); }); break;
        case 'sigmoid': xin.forEach((a, i) => { yo[i] = 1 / (1 + Math.exp(-a)); }); break;
        case 'flatten': case 'dropout': case 'randomShift': yo.set(xin); break;
        case 'conv2d': {
          const [ci, h, wd] = shape as [number, number, number];
          const [co, ho, wo] = out as [number, number, number];
          const k = layer.kernel;
          const p = convPad(layer);
          for (let o = 0; o < co; o++) for (let r = 0; r < ho; r++) for (let c = 0; c < wo; c++) {
            let sum = B[o]!;
            for (let i = 0; i < ci; i++) for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
              const rr = r + a - p;
              const cc = c + b - p;
              if (rr >= 0 && rr < h && cc >= 0 && cc < wd) sum += W[((o * ci + i) * k + a) * k + b]! * xin[(i * h + rr) * wd + cc]!;
            }
            yo[(o * ho + r) * wo + c] = sum;
          }
          break;
        }
        case 'maxPool': {
          const [ch, h, wd] = shape as [number, number, number];
          const z = layer.size;
          for (let i = 0; i < ch; i++) for (let r = 0; r < h / z; r++) for (let c = 0; c < wd / z; c++) {
            let m = -Infinity;
            for (let a = 0; a < z; a++) for (let b = 0; b < z; b++) m = Math.max(m, xin[(i * h + r * z + a) * wd + c * z + b]!);
            yo[(i * (h / z) + r) * (wd / z) + c] = m;
          }
          break;
        }
      }
    }
    v = next;
    shape = out;
  });
  const k = outputSize(spec);
  let loss = 0;
  for (let s = 0; s < n; s++) {
    const z = v.subarray(s * k, (s + 1) * k);
    if (spec.loss === 'mse') loss += (z[0]! - y[s]!) ** 2;
    else {
      const max = Math.max(...z);
      const lse = max + Math.log(z.reduce((a, b) => a + Math.exp(b - max), 0));
      loss += lse - z[y[s]!]!;
    }
  }
  return { loss: loss / n, output: v };
}

/** One graph: parameters and a batch in, the batch loss, the raw output and every gradient out. */
async function onnxGradients(spec: NetworkSpec, weights: Weights, x: Float32Array, y: Float32Array) {
  const g = new GraphBuilder('grad');
  const xin = g.input('x', 'float32', ['N', ...spec.input]);
  const yin = g.input('y', 'float32', ['N']);
  const infos = paramInfos(spec);
  for (const p of infos) g.input(p.name, 'float32', p.shape);
  const { output, steps } = emitForward(g, spec, xin, { training: true, param: (n) => n });
  const count = g.op('Cast', [g.op('Squeeze', [g.op('Shape', [yin])])], { to: 1 });
  const { loss, dOutput } = emitLoss(g, spec.loss, output, yin, count, outputSize(spec));
  const grads = emitBackward(g, steps, dOutput, (n) => n);
  g.output(loss, 'float32', [], 'loss');
  g.output(output, 'float32', undefined, 'output');
  for (const p of infos) g.output(grads.get(p.name)!, 'float32', p.shape, `grad:${p.name}`);
  const session = await ort.InferenceSession.create(encodeModel(g));
  const feeds: Record<string, ort.Tensor> = {
    x: new ort.Tensor('float32', x, [y.length, ...spec.input]),
    y: new ort.Tensor('float32', y, [y.length]),
  };
  for (const p of infos) feeds[p.name] = new ort.Tensor('float32', weights[p.name]!, p.shape);
  const out = await session.run(feeds);
  await session.release();
  return {
    loss: (out.loss!.data as Float32Array)[0]!,
    output: out.output!.data as Float32Array,
    grads: Object.fromEntries(infos.map((p) => [p.name, out[`grad:${p.name}`]!.data as Float32Array])),
  };
}

async function checkGradients(spec: NetworkSpec, rows: number, seed: number) {
  const random = mulberry32(seed);
  const inSize = spec.input.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: rows * inSize }, () => random() * 2 - 1);
  const classes = outputSize(spec);
  const y = Float32Array.from({ length: rows }, () => (spec.loss === 'mse' ? random() * 2 - 1 : Math.floor(random() * classes)));
  const weights = initialWeights(spec, seed);
  // Non-zero biases make ReLU kinks and pooling ties unlikely at the probe points.
  for (const [name, w] of Object.entries(weights)) if (name.endsWith('bias')) w.forEach((_, i) => { w[i] = random() * 0.2 - 0.1; });

  const got = await onnxGradients(spec, weights, x, y);
  const w64: W64 = Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, Float64Array.from(v)]));
  const x64 = Float64Array.from(x);
  const ref = referenceLoss(spec, w64, x64, y);
  expect(got.loss).toBeCloseTo(ref.loss, 4);
  got.output.forEach((v, i) => expect(Math.abs(v - ref.output[i]!)).toBeLessThan(1e-4));

  const eps = 1e-5;
  for (const [name, w] of Object.entries(w64)) {
    // Probe a spread of entries of every tensor; all of them would be slow for convolutions.
    const stride = Math.max(1, Math.floor(w.length / 12));
    for (let i = 0; i < w.length; i += stride) {
      const keep = w[i]!;
      w[i] = keep + eps;
      const up = referenceLoss(spec, w64, x64, y).loss;
      w[i] = keep - eps;
      const down = referenceLoss(spec, w64, x64, y).loss;
      w[i] = keep;
      const numeric = (up - down) / (2 * eps);
      expect(Math.abs(got.grads[name]![i]! - numeric)).toBeLessThan(1e-4 + 1e-3 * Math.abs(numeric));
    }
  }
}

describe('gradients match finite differences of a float64 reference', () => {
  test('dense, tanh, sigmoid, relu with softmax cross-entropy', async () => {
    await checkGradients({
      input: [5],
      layers: [{ type: 'dense', units: 7 }, { type: 'tanh' }, { type: 'dense', units: 6 }, { type: 'sigmoid' },
        { type: 'dense', units: 4 }, { type: 'relu' }, { type: 'dense', units: 3 }],
      loss: 'softmaxCrossEntropy',
    }, 9, 1);
  });

  test('dense and relu with mean squared error', async () => {
    await checkGradients({ input: [4], layers: [{ type: 'dense', units: 8 }, { type: 'relu' }, { type: 'dense', units: 1 }], loss: 'mse' }, 7, 2);
  });

  test('convolutions (same and valid), max pooling and flatten on NHWC images', async () => {
    await checkGradients({
      input: [6, 6, 2],
      layers: [
        { type: 'conv2d', filters: 3, kernel: 3 }, { type: 'relu' }, { type: 'maxPool', size: 2 },
        { type: 'conv2d', filters: 4, kernel: 2, padding: 'valid' }, { type: 'tanh' },
        { type: 'flatten' }, { type: 'dense', units: 3 },
      ],
      loss: 'softmaxCrossEntropy',
    }, 5, 3);
  });
});

test('randomShift moves each training image by whole pixels within range, and is inactive in inference', async () => {
  const spec: NetworkSpec = { input: [5, 6, 2], layers: [{ type: 'randomShift', pixels: 1 }, { type: 'flatten' }], loss: 'softmaxCrossEntropy' };
  const random = mulberry32(11);
  const n = 16;
  const x = Float32Array.from({ length: n * 60 }, () => random() + 0.5);
  const run = async (training: boolean) => {
    const g = new GraphBuilder('shift');
    const { steps } = emitForward(g, spec, g.input('x', 'float32', ['N', 5, 6, 2]), { training, seed: 3, param: (p) => p });
    g.output(steps[0]!.output, 'float32', undefined, 'shifted');
    const session = await ort.InferenceSession.create(encodeModel(g));
    const out = await session.run({ x: new ort.Tensor('float32', x, [n, 5, 6, 2]) });
    await session.release();
    return out.shifted!.data as Float32Array; // NCHW
  };
  const at = (s: number, c: number, i: number, j: number) => (i < 0 || i >= 5 || j < 0 || j >= 6 ? 0 : x[((s * 5 + i) * 6 + j) * 2 + c]!);
  const offsets = new Set<string>();
  const shifted = await run(true);
  for (let s = 0; s < n; s++) {
    const matches = [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => [dy, dx] as const)).filter(([dy, dx]) =>
      [0, 1].every((c) => Array.from({ length: 30 }, (_, p) => [Math.floor(p / 6), p % 6] as const)
        .every(([i, j]) => Math.abs(shifted[((s * 2 + c) * 5 + i) * 6 + j]! - at(s, c, i + dy, j + dx)) < 1e-5)));
    expect(matches).toHaveLength(1);
    offsets.add(String(matches[0]));
  }
  expect(offsets.size).toBeGreaterThan(3);
  const inference = await run(false);
  for (let s = 0; s < n; s++) for (let c = 0; c < 2; c++) for (let i = 0; i < 5; i++) for (let j = 0; j < 6; j++) {
    expect(inference[((s * 2 + c) * 5 + i) * 6 + j]).toBe(at(s, c, i, j));
  }
});
