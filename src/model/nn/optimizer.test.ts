// One and two optimiser steps of the training graph against the update rules
// written out in JavaScript, on linear regression whose gradient is plain algebra.
import { expect, test } from 'bun:test';
import * as ort from 'onnxruntime-node';
import { buildTrainGraph, outName, TRAIN_IO } from './graphs.ts';
import type { OptimizerSpec } from './optimizer.ts';
import type { NetworkSpec } from './spec.ts';

const spec: NetworkSpec = { input: [2], layers: [{ type: 'dense', units: 1 }], loss: 'mse' };
const x = Float32Array.from([1, 2, -1, 0.5, 3, -2]);
const y = Float32Array.from([1, -1, 2]);
const w0 = [0.3, -0.2];
const b0 = 0.1;

/** d(mean squared error)/d(w, b) of x·w + b against y. */
function gradient(w: number[], b: number): { w: number[]; b: number } {
  const g = { w: [0, 0], b: 0 };
  for (let r = 0; r < 3; r++) {
    const err = (2 / 3) * (x[r * 2]! * w[0]! + x[r * 2 + 1]! * w[1]! + b - y[r]!);
    g.w[0]! += err * x[r * 2]!;
    g.w[1]! += err * x[r * 2 + 1]!;
    g.b += err;
  }
  return g;
}

/** Runs `steps` full-batch steps in the training graph and answers the weights and bias. */
async function trainGraph(opt: OptimizerSpec, steps: number): Promise<number[]> {
  const graph = buildTrainGraph(spec, opt, { seed: 0 });
  const session = await ort.InferenceSession.create(graph.bytes);
  const start: Record<string, number[]> = { 'layer0.weight': w0, 'layer0.bias': [b0] };
  const feeds: Record<string, ort.Tensor> = {
    [TRAIN_IO.x]: new ort.Tensor('float32', x, [3, 2]),
    [TRAIN_IO.y]: new ort.Tensor('float32', y, [3]),
    // Each step takes the next `batch` entries of `order`: the whole set, every step.
    [TRAIN_IO.order]: new ort.Tensor('int32', Int32Array.from({ length: 3 * steps }, (_, i) => i % 3), [3 * steps]),
    [TRAIN_IO.batch]: new ort.Tensor('int64', BigInt64Array.of(3n), []),
    [TRAIN_IO.trips]: new ort.Tensor('int64', BigInt64Array.of(BigInt(steps)), []),
    [TRAIN_IO.lr]: new ort.Tensor('float32', Float32Array.of(opt.learningRate), []),
    [TRAIN_IO.step]: new ort.Tensor('float32', Float32Array.of(0), []),
  };
  for (const c of graph.carried) feeds[c.name] = new ort.Tensor('float32', Float32Array.from(start[c.name] ?? c.shape.map(() => 0)), c.shape);
  const out = await session.run(feeds);
  await session.release();
  expect((out[TRAIN_IO.losses]!.data as Float32Array).length).toBe(steps);
  return [...(out[outName('layer0.weight')]!.data as Float32Array), ...(out[outName('layer0.bias')]!.data as Float32Array)];
}

test('SGD with momentum and weight decay', async () => {
  const lr = 0.1;
  const momentum = 0.9;
  const decay = 0.01;
  let w = [...w0];
  let b = b0;
  let vw = [0, 0];
  let vb = 0;
  for (let s = 0; s < 2; s++) {
    const g = gradient(w, b);
    vw = vw.map((v, i) => momentum * v + g.w[i]! + decay * w[i]!);
    vb = momentum * vb + g.b;
    w = w.map((v, i) => v - lr * vw[i]!);
    b -= lr * vb;
  }
  const got = await trainGraph({ type: 'sgd', learningRate: lr, momentum, weightDecay: decay }, 2);
  got.forEach((v, i) => expect(v).toBeCloseTo([...w, b][i]!, 5));
});

test('Adam with bias correction', async () => {
  const lr = 0.05;
  const [b1, b2, eps] = [0.9, 0.999, 1e-7];
  let w = [...w0, b0];
  let m = [0, 0, 0];
  let v = [0, 0, 0];
  for (let t = 1; t <= 3; t++) {
    const g0 = gradient([w[0]!, w[1]!], w[2]!);
    const g = [...g0.w, g0.b];
    m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]!);
    v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i]! ** 2);
    const lrT = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    w = w.map((wi, i) => wi - (lrT * m[i]!) / (Math.sqrt(v[i]!) + eps));
  }
  const got = await trainGraph({ type: 'adam', learningRate: lr }, 3);
  got.forEach((value, i) => expect(value).toBeCloseTo(w[i]!, 5));
});
