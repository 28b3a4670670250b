/**
 * Training speed: the MNIST perceptron 784-256-128-10, batch 64, Adam (lr 1e-3),
 * on 8,000 digits, in samples per second: our ONNX-graph engine next to
 * @tensorflow/tfjs on its CPU backend and on its WebAssembly backend, same
 * architecture and data, in one run. Each round is one epoch; medians are printed.
 *
 *   bun scripts/bench/train.ts [--rounds 5] [--threads 1]
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createNetwork } from '../../src/model/nn/index.ts';
import { loadMnist } from './quality.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, threads: { type: 'string', default: '1' } } });
const rounds = Number(args.rounds);
const threads = Number(args.threads);
const BATCH = 64;
const LR = 1e-3;

const { train } = loadMnist();
const rows = train.y.length;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function engine(): Promise<number[]> {
  const net = createNetwork({
    input: [784],
    layers: [{ type: 'dense', units: 256 }, { type: 'relu' }, { type: 'dense', units: 128 }, { type: 'relu' }, { type: 'dense', units: 10 }],
    loss: 'softmaxCrossEntropy',
  }, { seed: 1, threads });
  const rates: number[] = [];
  let start = performance.now();
  await net.fit(train.x, train.y, {
    epochs: rounds + 1, batchSize: BATCH, optimizer: { type: 'adam', learningRate: LR }, seed: 1,
    onEpoch: ({ epoch }) => {
      const now = performance.now();
      // The first epoch also compiles the session; it is warm-up.
      if (epoch > 1) rates.push(rows / ((now - start) / 1000));
      start = now;
    },
  });
  return rates;
}

async function tfjs(backend: 'cpu' | 'wasm', roundsHere: number): Promise<number[]> {
  await tf.setBackend(backend);
  await tf.ready();
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(LR), loss: (y: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, p) });
  const xs = tf.tensor2d(train.x, [rows, 784]);
  const ys = tf.oneHot(tf.tensor1d(train.y, 'int32'), 10);
  const rates: number[] = [];
  for (let r = 0; r <= roundsHere; r++) {
    const start = performance.now();
    await model.fit(xs, ys, { batchSize: BATCH, epochs: 1, shuffle: true, verbose: 0 });
    if (r > 0) rates.push(rows / ((performance.now() - start) / 1000));
  }
  tf.dispose([xs, ys]);
  model.dispose();
  return rates;
}

setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
console.log(`MNIST MLP 784-256-128-10, batch ${BATCH}, Adam; ${rows} samples per round; engine threads ${threads}`);
const results: [string, number[]][] = [];
const report = (name: string, rates: number[]) => {
  results.push([name, rates]);
  console.log(`${name.padEnd(22)} median ${median(rates).toFixed(0).padStart(7)} samples/s   rounds: ${rates.map((r) => r.toFixed(0)).join(', ')}`);
};
report('rafiki nn (onnxruntime)', await engine());
// tfjs is much slower; fewer rounds keep the run short.
report('tfjs wasm', await tfjs('wasm', Math.max(2, Math.ceil(rounds / 2))));
report('tfjs cpu', await tfjs('cpu', Math.max(1, Math.ceil(rounds / 3))));
const ours = median(results[0]![1]);
for (const [name, rates] of results.slice(1)) console.log(`ratio rafiki nn / ${name}: ${(ours / median(rates)).toFixed(1)}×`);
