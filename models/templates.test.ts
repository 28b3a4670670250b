// Every built-in template through its whole cycle with small, fixed knobs: train
// (with reports), evaluate above a sane floor, dump → encode → decode → load,
// predict raw queries, and ONNX answering as predict does (for those that export it).
import { describe, expect, test } from 'bun:test';
import {
  decodeParams, encodeParams, runOnnx, sampleQueries,
  type Dataset, type EarlyStopDecision, type Knobs, type ModelClass, type TrainContext,
} from 'rafiki/model';
import { loadMnist, mnistDataset, splitCsv, tabularSplit, DATASETS_DIR } from '../scripts/bench/quality.ts';
import { ImageCnn } from './image_cnn.ts';
import { ImageMlp } from './image_mlp.ts';
import { KNearestNeighbors } from './knn.ts';
import { RidgeRegression } from './ridge_regression.ts';
import { SoftmaxRegression } from './softmax_regression.ts';
import { TabularMlp } from './tabular_mlp.ts';
import { TabularMlpRegressor } from './tabular_mlp_regressor.ts';
import { join } from 'node:path';

function recordingContext(stopAt = Infinity): TrainContext & { reports: number[] } {
  const reports: number[] = [];
  return {
    reports,
    log() {},
    definePlot() {},
    async report({ step, score }): Promise<EarlyStopDecision> {
      expect(Number.isFinite(score)).toBe(true);
      reports.push(step);
      return step >= stopAt ? 'stop' : 'continue';
    },
  };
}

async function cycle(Template: ModelClass, knobs: Knobs, train: Dataset, val: Dataset, queries: unknown[]) {
  const model = new Template(knobs);
  const ctx = recordingContext();
  await model.train(train, ctx);
  expect(ctx.reports.length).toBeGreaterThan(0);
  const score = await model.evaluate(val);

  const fresh = new Template(knobs);
  fresh.loadParameters(decodeParams(encodeParams(model.dumpParameters())));
  const predictions = await fresh.predict(queries);
  expect(predictions).toEqual(await model.predict(queries));
  expect(JSON.parse(JSON.stringify(predictions))).toEqual(predictions);

  if (fresh.toOnnx) {
    const { outputs } = await runOnnx(fresh.toOnnx(), queries, train.task, train.classes.length);
    const flat = (v: unknown[]) => v.flat() as number[];
    flat(outputs).forEach((v, i) => expect(Math.abs(v - flat(predictions)[i]!)).toBeLessThan(1e-4));
  }
  return { score, predictions };
}

const tabular = { SoftmaxRegression, TabularMlp, KNearestNeighbors };
const mlpKnobs = { hiddenLayers: 2, hiddenUnits: 16, activation: 'relu', dropout: 0.1, learningRate: 0.01, weightDecay: 1e-4, batchSize: 16, epochs: 40 };
const knnKnobs = { k: 7, weighting: 'distance', metric: 'euclidean' };

describe('tabular classification', async () => {
  for (const name of ['iris', 'wine']) {
    const { train, val } = await tabularSplit(name, 'TABULAR_CLASSIFICATION');
    const queries = [...await sampleQueries(splitCsv(join(DATASETS_DIR, `${name}.csv`)).val, train, { count: 4 }), {}];
    for (const [className, Template] of Object.entries(tabular)) {
      test(`${className} on ${name}`, async () => {
        const knobs = Template === SoftmaxRegression
          ? { optimizer: 'sgd', learningRate: 0.05, weightDecay: 1e-4, batchSize: 16, epochs: 40 }
          : Template === KNearestNeighbors ? knnKnobs : mlpKnobs;
        const { score, predictions } = await cycle(Template, knobs, train, val, queries);
        expect(score).toBeGreaterThanOrEqual(0.9);
        for (const p of predictions as number[][]) {
          expect(p).toHaveLength(train.classes.length);
          expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        }
      });
    }
  }

  test('stops when the Advisor says so', async () => {
    const { train } = await tabularSplit('iris', 'TABULAR_CLASSIFICATION');
    const ctx = recordingContext(3);
    await new TabularMlp(mlpKnobs).train(train, ctx);
    expect(ctx.reports).toEqual([1, 2, 3]);
  });
});

describe('tabular regression', async () => {
  const { train, val } = await tabularSplit('diabetes', 'TABULAR_REGRESSION');
  const queries = [...await sampleQueries(splitCsv(join(DATASETS_DIR, 'diabetes.csv')).val, train, { count: 4 }), {}];
  const runs: [string, ModelClass, Knobs][] = [
    ['RidgeRegression', RidgeRegression, { alpha: 1 }],
    ['KNearestNeighbors', KNearestNeighbors, { k: 20, weighting: 'uniform', metric: 'manhattan' }],
    ['TabularMlpRegressor', TabularMlpRegressor, { hiddenLayers: 1, hiddenUnits: 16, activation: 'tanh', dropout: 0, learningRate: 0.003, weightDecay: 1e-2, batchSize: 32, epochs: 60 }],
  ];
  for (const [className, Template, knobs] of runs) {
    test(`${className} on diabetes`, async () => {
      const { score, predictions } = await cycle(Template, knobs, train, val, queries);
      expect(score).toBeGreaterThanOrEqual(0.3);
      for (const p of predictions) expect(typeof p).toBe('number');
    });
  }
});

describe('image classification', () => {
  // A slice of MNIST keeps these quick; the benchmark measures the full figures.
  const mnist = loadMnist();
  const train = mnistDataset(mnist.train, 2000);
  const val = mnistDataset(mnist.val, 500);
  const toQuery = (i: number) => Array.from({ length: 28 }, (_, r) =>
    Array.from(mnist.val.x.subarray(i * 784 + r * 28, i * 784 + r * 28 + 28), (v) => Math.round(v * 255)));
  const queries = [0, 1, 2, 3].map(toQuery);
  const runs: [string, ModelClass, Knobs][] = [
    ['ImageMlp', ImageMlp, { imageSize: 28, shift: 1, hiddenLayers: 1, hiddenUnits: 128, dropout: 0.2, learningRate: 2e-3, weightDecay: 1e-5, batchSize: 64, epochs: 5 }],
    ['ImageCnn', ImageCnn, { imageSize: 28, shift: 0, filters: 8, kernel: 3, denseUnits: 64, dropout: 0.2, learningRate: 2e-3, weightDecay: 1e-5, batchSize: 64, epochs: 3 }],
  ];
  for (const [className, Template, knobs] of runs) {
    test(`${className} on 2,000 MNIST digits`, async () => {
      const { score, predictions } = await cycle(Template, knobs, train, val, queries);
      expect(score).toBeGreaterThanOrEqual(0.85);
      for (const p of predictions as number[][]) expect(p).toHaveLength(10);
    });
  }
});
