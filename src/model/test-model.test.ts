import { afterAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mnistZip } from '../../test/fixtures/mnist.ts';
import { testModel, TestModelError, type TestModelOptions } from './test-model.ts';
import type { Task } from './task.ts';

const fixtures = join(import.meta.dir, '../../test/fixtures');
const templates = join(fixtures, 'sdk-templates');
const dir = mkdtempSync(join(tmpdir(), 'rafiki-test-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fixed split of a CSV fixture: every fifth row for validation. */
function split(name: string): { train: string; val: string } {
  const [header, ...rows] = readFileSync(join(fixtures, name), 'utf8').trim().split('\n');
  const train = join(dir, `train-${name}`);
  const val = join(dir, `val-${name}`);
  writeFileSync(train, [header, ...rows.filter((_, i) => i % 5 !== 0)].join('\n'));
  writeFileSync(val, [header, ...rows.filter((_, i) => i % 5 === 0)].join('\n'));
  return { train, val };
}

const iris = split('iris.csv');
const diabetes = split('diabetes.csv');
const digits = { train: join(dir, 'digits-train.zip'), val: join(dir, 'digits-val.zip') };
writeFileSync(digits.train, mnistZip({ perDigit: 12 }));
writeFileSync(digits.val, mnistZip({ perDigit: 3, start: 12 }));

// broken.ts imports the template beside it; bundled, as a template of several files is before an upload.
const brokenBundle = join(dir, 'broken.js');
const bundled = await Bun.build({ entrypoints: [join(templates, 'broken.ts')], outdir: dir, target: 'bun', external: ['rafiki/*'] });
if (!bundled.success) throw new AggregateError(bundled.logs, 'cannot bundle broken.ts');

function run(file: string, className: string, task: Task, data: { train: string; val: string }, options: TestModelOptions = {}) {
  const lines: string[] = [];
  const report = testModel(file === 'broken.ts' ? brokenBundle : join(templates, file), className, task, data.train, data.val, { log: (line) => lines.push(line), ...options });
  return { report, lines };
}

async function rejection(report: Promise<unknown>): Promise<TestModelError> {
  const error = await report.then(() => null, (err: unknown) => err);
  expect(error).toBeInstanceOf(TestModelError);
  return error as TestModelError;
}

async function failure(file: string, className: string, task: Task, data: { train: string; val: string }, options: TestModelOptions = {}): Promise<TestModelError> {
  return rejection(run(file, className, task, data, options).report);
}

describe('testModel', () => {
  test('a tabular classifier with ONNX passes every step', async () => {
    const { report, lines } = run('nearest-centroid.ts', 'NearestCentroid', 'TABULAR_CLASSIFICATION', iris, { trials: 3, verbose: true });
    const result = await report;
    expect(result.trials.length).toBe(3);
    expect(result.trials.every((t) => t.score > 0.8 && t.reports.length === 1)).toBe(true);
    expect(result.trials[result.best]!.score).toBe(Math.max(...result.trials.map((t) => t.score)));
    // Five validation rows and a row with every value missing.
    expect(result.queries.length).toBe(6);
    expect(result.queries[5]).toEqual({ sepal_length: null, sepal_width: null, petal_length: null, petal_width: null });
    expect(result.predictions.length).toBe(6);
    expect(result.onnx!.maxDifference).toBeLessThan(1e-4);
    expect(lines).toContain('  [trial 1] 3 centroids of width 4');
    expect(lines.some((line) => line.startsWith('✓ run ONNX in onnxruntime: matches predict'))).toBe(true);
    expect(lines.at(-1)).toStartWith('passed: best score');
  });

  test('by default a line per trial and a summary; the template\'s own logs only with verbose', async () => {
    const { report, lines } = run('nearest-centroid.ts', 'NearestCentroid', 'TABULAR_CLASSIFICATION', iris, { trials: 2 });
    const result = await report;
    expect(lines.length).toBe(3);
    expect(lines[0]).toMatch(/^trial 1 of 2: score \d\.\d+ in \d+\.\d\d s, 1 intermediate score; knobs \{"/);
    expect(lines[1]).toStartWith('trial 2 of 2: score ');
    expect(lines[2]).toStartWith(`passed: best score ${result.trials[result.best]!.score.toPrecision(4)} (trial ${result.best + 1} of 2); saved in ${result.paramsBytes} bytes, reloaded, predicted 6 queries`);
    expect(lines[2]).toContain('and ONNX answers as predict does');
    const failed = run('broken.ts', 'WrongCount', 'TABULAR_CLASSIFICATION', iris, { trials: 1 });
    await failed.report.catch(() => {});
    expect(failed.lines.at(-1)).toBe('✗ predict: predict returned 5 predictions for 6 queries');
  });

  test('a template in a folder of its own resolves rafiki/model and the packages that folder sees', async () => {
    const project = join(dir, 'elsewhere');
    mkdirSync(join(project, 'node_modules', '@acme', 'scale'), { recursive: true });
    writeFileSync(join(project, 'node_modules', '@acme', 'scale', 'package.json'), JSON.stringify({ name: '@acme/scale', type: 'module', main: 'index.js' }));
    writeFileSync(join(project, 'node_modules', '@acme', 'scale', 'index.js'), 'export const half = (x) => x / 2;\n');
    mkdirSync(join(project, 'src'));
    const file = join(project, 'src', 'halved.ts');
    writeFileSync(file, readFileSync(join(templates, 'mean-regressor.ts'), 'utf8')
      .replace("from 'rafiki/model';", "from 'rafiki/model';\nimport { half } from '@acme/scale';")
      .replace('return queries.map((_, i) => this.row(x, i));', 'return queries.map((_, i) => half(this.row(x, i)) * 2);'));
    const result = await testModel(file, 'LinearRegressor', 'TABULAR_REGRESSION', diabetes.train, diabetes.val, { trials: 1, log: () => {} });
    expect(result.predictions.length).toBe(6);
    // A syntax error is named at the author's path, not at the staged copy's.
    writeFileSync(file, 'export class Broken {');
    const error = await rejection(testModel(file, 'Broken', 'TABULAR_REGRESSION', diabetes.train, diabetes.val, { log: () => {} }));
    expect(error.message).toStartWith(`load template: cannot import ${file}: syntax error at line 1`);
    expect(error.message).not.toContain('rafiki-staged-template-');
    // Files beside it are not there, as in an upload; the message says what to do.
    writeFileSync(file, "export { LinearRegressor } from './mean-regressor.ts';\n");
    writeFileSync(join(project, 'src', 'mean-regressor.ts'), readFileSync(join(templates, 'mean-regressor.ts')));
    const beside = await rejection(testModel(file, 'LinearRegressor', 'TABULAR_REGRESSION', diabetes.train, diabetes.val, { log: () => {} }));
    expect(beside.message).toContain("Cannot find module './mean-regressor.ts'");
    expect(beside.message).toContain("bundle the files it imports into it, e.g. bun build <file> --external 'rafiki/*'");
  });

  test('an image classifier: mnist digits resized to its knob, ONNX on raw 28×28 queries', async () => {
    const result = await run('nearest-centroid.ts', 'NearestCentroid', 'IMAGE_CLASSIFICATION', digits, { trials: 1 }).report;
    expect(result.trials[0]!.score).toBeGreaterThan(0.5);
    expect((result.queries[0] as number[][]).length).toBe(28);
    expect((result.predictions[0] as number[]).length).toBe(10);
    expect(result.onnx!.maxDifference).toBeLessThan(1e-4);
  });

  test('a regressor without ONNX; the same seed samples the same knobs', async () => {
    const first = await run('mean-regressor.ts', 'LinearRegressor', 'TABULAR_REGRESSION', diabetes, { seed: 7 }).report;
    const again = await run('mean-regressor.ts', 'LinearRegressor', 'TABULAR_REGRESSION', diabetes, { seed: 7 }).report;
    expect(first.onnx).toBeUndefined();
    expect(first.predictions.every((p) => typeof p === 'number')).toBe(true);
    expect(again.trials.map((t) => t.knobs)).toEqual(first.trials.map((t) => t.knobs));
    expect(first.trials[0]!.knobs).not.toEqual(first.trials[1]!.knobs);
  });

  test('given queries are predicted, and bad ones fail the predict step', async () => {
    const queries = [[5.1, 3.5, 1.4, 0.2], { sepal_length: 6.5, sepal_width: 3, petal_length: 5.5, petal_width: 2 }];
    const result = await run('nearest-centroid.ts', 'NearestCentroid', 'TABULAR_CLASSIFICATION', iris, { trials: 1, queries }).report;
    expect(result.queries).toBe(queries);
    const [setosa, virginica] = result.predictions as number[][];
    expect(setosa!.indexOf(Math.max(...setosa!))).toBe(0);
    expect(virginica!.indexOf(Math.max(...virginica!))).toBe(2);
    const error = await failure('nearest-centroid.ts', 'NearestCentroid', 'TABULAR_CLASSIFICATION', iris, { trials: 1, queries: [[1, 2]] });
    expect(error.message).toBe('predict: query 0: has 2 values but the model takes 4 features (sepal_length, sepal_width, petal_length, petal_width)');
  });

  test('each broken template fails at the step that names its fault', async () => {
    const cases: [string, string, Task, string][] = [
      ['broken.ts', 'WrongCount', 'TABULAR_CLASSIFICATION', 'predict: predict returned 5 predictions for 6 queries'],
      ['broken.ts', 'OnnxDisagrees', 'TABULAR_CLASSIFICATION', "run ONNX in onnxruntime: onnxruntime's outputs differ from predict's"],
      ['broken.ts', 'ForgetsOnLoad', 'TABULAR_CLASSIFICATION', 'compare with the trained model: the reloaded model predicts differently'],
      ['broken.ts', 'NaNScore', 'TABULAR_CLASSIFICATION', 'trial 1: evaluate: evaluate must return a finite number but returned NaN'],
      ['broken.ts', 'TrainThrows', 'TABULAR_CLASSIFICATION', 'trial 1: train: out of memory (pretend)'],
      ['broken.ts', 'BadKnobs', 'TABULAR_CLASSIFICATION', 'load template: BadKnobs.knobConfig is invalid: knob "rate"'],
      ['broken.ts', 'NotAModel', 'TABULAR_CLASSIFICATION', 'load template: NotAModel does not follow the Model contract: it has no train, evaluate, predict, dumpParameters, loadParameters methods'],
      ['broken.ts', 'Missing', 'TABULAR_CLASSIFICATION', 'load template: '],
      ['mean-regressor.ts', 'LinearRegressor', 'TABULAR_CLASSIFICATION', 'load template: LinearRegressor does not serve TABULAR_CLASSIFICATION; it serves TABULAR_REGRESSION'],
      ['no-such-file.ts', 'X', 'TABULAR_CLASSIFICATION', 'load template: there is no template file'],
    ];
    for (const [file, className, task, message] of cases) {
      const error = await failure(file, className, task, iris, { trials: 1 });
      expect(error.message).toStartWith(message);
      const step = message.startsWith('trial 1: ') ? message.split(': ', 2).join(': ') : message.slice(0, message.indexOf(': '));
      expect(error.step).toBe(step);
    }
    const missing = await failure('broken.ts', 'Missing', 'TABULAR_CLASSIFICATION', iris);
    expect(missing.message).toContain('exports no class named "Missing" (it exports ');
  });

  test('a dataset that does not fit the task fails while loading', async () => {
    const error = await failure('nearest-centroid.ts', 'NearestCentroid', 'IMAGE_CLASSIFICATION', iris);
    expect(error.step).toBe('load training set');
    expect(error.message).toContain('this is not a zip file');
  });
});
