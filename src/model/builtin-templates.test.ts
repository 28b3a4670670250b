/**
 * `testModel` on every built-in template of models/, on the shared datasets
 * (copied into test/fixtures) and on mnist digits: the check that docs/design.md §4
 * promises a model developer, run on our own templates. Floors are only sane
 * (well above chance); the quality benchmark prints the real figures.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mnistZip } from '../../test/fixtures/mnist.ts';
import type { Task } from './task.ts';
import { testModel } from './test-model.ts';

const root = join(import.meta.dir, '../..');
const dir = mkdtempSync(join(tmpdir(), 'rafiki-builtin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function split(name: string): { train: string; val: string } {
  const [header, ...rows] = readFileSync(join(root, 'test/fixtures', name), 'utf8').trim().split('\n');
  const paths = { train: join(dir, `train-${name}`), val: join(dir, `val-${name}`) };
  writeFileSync(paths.train, [header, ...rows.filter((_, i) => i % 5 !== 0)].join('\n'));
  writeFileSync(paths.val, [header, ...rows.filter((_, i) => i % 5 === 0)].join('\n'));
  return paths;
}

const data = {
  iris: split('iris.csv'),
  wine: split('wine.csv'),
  diabetes: split('diabetes.csv'),
  digits: { train: join(dir, 'digits-train.zip'), val: join(dir, 'digits-val.zip') },
};
writeFileSync(data.digits.train, mnistZip({ perDigit: 40 }));
writeFileSync(data.digits.val, mnistZip({ perDigit: 10, start: 40 }));

const cases: [string, string, Task, keyof typeof data, number][] = [
  ['softmax_regression.ts', 'SoftmaxRegression', 'TABULAR_CLASSIFICATION', 'iris', 0.6],
  ['tabular_mlp.ts', 'TabularMlp', 'TABULAR_CLASSIFICATION', 'wine', 0.6],
  ['ridge_regression.ts', 'RidgeRegression', 'TABULAR_REGRESSION', 'diabetes', 0.2],
  ['tabular_mlp_regressor.ts', 'TabularMlpRegressor', 'TABULAR_REGRESSION', 'diabetes', 0.1],
  ['knn.ts', 'KNearestNeighbors', 'TABULAR_CLASSIFICATION', 'wine', 0.6],
  ['knn.ts', 'KNearestNeighbors', 'TABULAR_REGRESSION', 'diabetes', 0.1],
  ['image_mlp.ts', 'ImageMlp', 'IMAGE_CLASSIFICATION', 'digits', 0.3],
  ['image_cnn.ts', 'ImageCnn', 'IMAGE_CLASSIFICATION', 'digits', 0.3],
];

describe('built-in templates pass testModel', () => {
  for (const [file, className, task, dataset, floor] of cases) {
    test(`${className} on ${dataset}`, async () => {
      const { train, val } = data[dataset];
      const report = await testModel(join(root, 'models', file), className, task, train, val, { trials: 1, log: () => {} });
      expect(report.trials[0]!.score).toBeGreaterThan(floor);
      if (file !== 'knn.ts') expect(report.onnx?.maxDifference).toBeLessThan(1e-4);
    });
  }
});
