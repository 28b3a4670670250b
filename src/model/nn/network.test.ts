import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { solveRidge } from './linear.ts';
import { accuracy, r2Score } from './metrics.ts';
import { createNetwork } from './network.ts';
import { networkFromParams, networkParams } from './params.ts';
import { mulberry32, permutation } from '../random.ts';
import type { NetworkSpec } from './spec.ts';

/** Iris standardised, classes as indices, in a seeded order (a tiny stand-in for the SDK loader). */
function iris(): { x: Float32Array; y: Float32Array } {
  const lines = readFileSync(join(import.meta.dir, '../../../test/fixtures/iris.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  const rows = lines.map((l) => l.split(','));
  const classes = [...new Set(rows.map((r) => r[4]!))].sort();
  const order = permutation(rows.length, mulberry32(3));
  const x = new Float32Array(rows.length * 4);
  const y = new Float32Array(rows.length);
  for (let c = 0; c < 4; c++) {
    const col = rows.map((r) => Number(r[c]));
    const mean = col.reduce((a, b) => a + b, 0) / col.length;
    const std = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
    order.forEach((r, i) => { x[i * 4 + c] = (col[r]! - mean) / std; });
  }
  order.forEach((r, i) => { y[i] = classes.indexOf(rows[r]![4]!); });
  return { x, y };
}

const mlp: NetworkSpec = {
  input: [4],
  layers: [{ type: 'dense', units: 16 }, { type: 'relu' }, { type: 'dropout', rate: 0.1 }, { type: 'dense', units: 3 }],
  loss: 'softmaxCrossEntropy',
};

describe('Network', () => {
  const data = iris();

  test('learns iris with Adam', async () => {
    const net = createNetwork(mlp, { seed: 1 });
    const { losses } = await net.fit(data.x, data.y, { epochs: 40, batchSize: 16, optimizer: { type: 'adam', learningRate: 0.02 } });
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(accuracy(await net.predict(data.x), data.y)).toBeGreaterThanOrEqual(0.9);
  });

  test('learns iris with SGD, momentum and weight decay', async () => {
    const net = createNetwork({ input: [4], layers: [{ type: 'dense', units: 3 }], loss: 'softmaxCrossEntropy' }, { seed: 2 });
    await net.fit(data.x, data.y, { epochs: 60, batchSize: 32, optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4 } });
    expect(accuracy(await net.predict(data.x), data.y)).toBeGreaterThanOrEqual(0.9);
  });

  test('is deterministic under a seed', async () => {
    const train = async (seed: number) => {
      const net = createNetwork(mlp, { seed });
      await net.fit(data.x, data.y, { epochs: 3, batchSize: 32, optimizer: { type: 'adam', learningRate: 0.01 }, seed });
      return net.getWeights()['layer0.weight']!;
    };
    const a = await train(5);
    expect(await train(5)).toEqual(a);
    expect(await train(6)).not.toEqual(a);
  });

  test('stops when onEpoch answers stop, and reports each epoch', async () => {
    const net = createNetwork(mlp, { seed: 1 });
    const seen: number[] = [];
    const { epochs } = await net.fit(data.x, data.y, {
      epochs: 50, batchSize: 64, optimizer: { type: 'adam', learningRate: 0.01 },
      onEpoch: ({ epoch }) => { seen.push(epoch); return epoch === 3 ? 'stop' : 'continue'; },
    });
    expect(epochs).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
  });

  test('survives its parameters round trip', async () => {
    const net = createNetwork(mlp, { seed: 1 });
    await net.fit(data.x, data.y, { epochs: 2, batchSize: 32, optimizer: { type: 'adam', learningRate: 0.01 } });
    const copy = networkFromParams(networkParams(net));
    expect(await copy.predict(data.x)).toEqual(await net.predict(data.x));
  });

  test('rejects bad specs, data and options, naming them', async () => {
    expect(() => createNetwork({ input: [4, 4, 1], layers: [{ type: 'dense', units: 2 }], loss: 'softmaxCrossEntropy' }))
      .toThrow('layer 0 (dense): needs a vector input');
    expect(() => createNetwork({ input: [4], layers: [{ type: 'dense', units: 2 }], loss: 'mse' })).toThrow('1 unit');
    const net = createNetwork(mlp);
    await expect(net.fit(data.x.subarray(1), data.y, { epochs: 1, batchSize: 8, optimizer: { type: 'adam', learningRate: 0.1 } }))
      .rejects.toThrow('not a multiple of the input size 4');
    await expect(net.fit(data.x, data.y, { epochs: 1, batchSize: 0, optimizer: { type: 'adam', learningRate: 0.1 } }))
      .rejects.toThrow('batchSize must be a positive integer, got 0');
    await expect(net.fit(data.x, data.y, { epochs: 1, batchSize: 8, optimizer: { type: 'sgd', learningRate: -1 } }))
      .rejects.toThrow('optimizer sgd: learningRate must be positive, got -1');
    await expect(net.fit(data.x, data.y.map((c) => c + 1), { epochs: 1, batchSize: 8, optimizer: { type: 'adam', learningRate: 0.1 } }))
      .rejects.toThrow('not a class index in 0..2');
  });
});

describe('solveRidge', () => {
  test('recovers a linear function, and shrinks it as alpha grows', () => {
    const random = mulberry32(9);
    const rows = 50;
    const x = Float32Array.from({ length: rows * 3 }, () => random() * 4 - 2);
    const y = Float32Array.from({ length: rows }, (_, r) => 2 * x[r * 3]! - x[r * 3 + 1]! + 0.5 * x[r * 3 + 2]! + 7);
    const exact = solveRidge(x, y, { alpha: 0 });
    expect(Array.from(exact.weights)).toEqual([expect.closeTo(2, 4), expect.closeTo(-1, 4), expect.closeTo(0.5, 4)]);
    expect(exact.bias).toBeCloseTo(7, 4);
    const shrunk = solveRidge(x, y, { alpha: 1000 });
    expect(Math.abs(shrunk.weights[0]!)).toBeLessThan(1);
    const predicted = Array.from({ length: rows }, (_, r) => [0, 1, 2].reduce((s, c) => s + x[r * 3 + c]! * exact.weights[c]!, exact.bias));
    expect(r2Score(predicted, y)).toBeCloseTo(1, 6);
  });
});
