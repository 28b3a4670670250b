import { checkPredictions, maxDifference, type PredictionShape } from './checks/predictions.ts';
import { runOnnx } from './checks/onnx-parity.ts';
import type { Dataset, TabularDataset } from './dataset.ts';
import { loadDataset, sampleQueries } from './datasets/load.ts';
import { sampleKnobs, validateKnobs, type Knobs } from './knobs.ts';
import type { Model } from './model.ts';
import { consoleContext } from './checks/console-context.ts';
import { decodeParams, encodeParams } from './params.ts';
import { mulberry32 } from './random.ts';
import { importTemplate } from './staged-template.ts';
import { isClassification, type Task } from './task.ts';

/** How far onnxruntime's answers may be from `predict`'s. */
export const ONNX_TOLERANCE = 1e-4;
/** How far a reloaded model's answers may be from the trained one's. */
const RELOAD_TOLERANCE = 1e-6;

export interface TestModelOptions {
  /** Trials with sampled knobs (default 2); the best one goes on to be saved and reloaded. */
  trials?: number;
  /** Seed of the knob sampler (default 0), so that a run can be repeated. */
  seed?: number;
  /** Queries to predict (default: the first rows or images of the validation set, plus an all-missing row for tabular tasks). */
  queries?: unknown[];
  /** train_args: the target and feature columns of a tabular dataset. */
  target?: string;
  features?: string[];
  /** Where progress lines go (default: console.log). */
  log?: (line: string) => void;
  /** Print every step and what the template logs and reports (per epoch, say), not only a line per trial and a summary. */
  verbose?: boolean;
}

export interface TrialReport {
  knobs: Knobs;
  score: number;
  /** The intermediate scores the template reported. */
  reports: { step: number; score: number }[];
  seconds: number;
}

export interface TestModelReport {
  file: string;
  className: string;
  task: Task;
  trials: TrialReport[];
  /** Index into `trials` of the trial that was saved, reloaded and queried. */
  best: number;
  paramsBytes: number;
  queries: unknown[];
  predictions: unknown[];
  /** Present when the template exports ONNX. */
  onnx?: { bytes: number; maxDifference: number };
}

/** The first step of `testModel` that failed, with what had been done until then. */
export class TestModelError extends Error {
  override readonly name = 'TestModelError';

  constructor(readonly step: string, cause: unknown, readonly report: Partial<TestModelReport>) {
    super(`${step}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * Runs a template's whole cycle in this process, as a train job and an inference
 * job would: import (from a copy staged as the Admin stages an upload, so the file
 * may be anywhere) and contract check, a few trials with sampled knobs (train,
 * evaluate), then with the best trial: dump parameters, encode and decode them,
 * load them into a fresh instance, predict sample queries and check the answers,
 * and when the template exports ONNX, check that onnxruntime answers the same
 * within 1e-4. Logs one line per trial and a summary (every step and what the
 * template logs with `verbose`). Throws a TestModelError naming the first step that failed.
 *
 * @example
 * const report = await testModel('models/tabular-mlp.ts', 'TabularMlp', 'TABULAR_CLASSIFICATION',
 *   'iris-train.csv', 'iris-val.csv', { trials: 3 });
 */
export async function testModel(
  file: string,
  className: string,
  task: Task,
  trainPath: string,
  valPath: string,
  options: TestModelOptions = {},
): Promise<TestModelReport> {
  const { trials = 2, seed = 0, log = console.log, verbose = false } = options;
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`trials must be a positive integer but got ${trials}`);
  const report: Partial<TestModelReport> & { trials: TrialReport[] } = { file, className, task, trials: [] };
  const step = async <T>(name: string, run: () => T | Promise<T>, done?: (value: T) => string): Promise<T> => {
    const started = performance.now();
    try {
      const value = await run();
      if (done && verbose) log(`✓ ${name}: ${done(value)} (${seconds(started).toFixed(2)} s)`);
      return value;
    } catch (err) {
      log(`✗ ${name}: ${err instanceof Error ? err.message : String(err)}`);
      throw new TestModelError(name, err, report);
    }
  };

  const { Template, dispose } = await step('load template', () => importTemplate(file, className, task), () => `${className} from ${file} serves ${task}`);
  try {
    const loadOptions = { task, target: options.target, features: options.features };
    const train = await step('load training set', () => loadDataset(trainPath, loadOptions), describeData);
    const val = await step('load validation set', () => loadDataset(valPath, loadOptions, train), describeData);

    const rng = mulberry32(seed);
    let best: { model: Model; knobs: Knobs } | null = null;
    for (let t = 1; t <= trials; t++) {
      const knobs = await step(`trial ${t}: sample knobs`, () => validateKnobs(Template.knobConfig, sampleKnobs(Template.knobConfig, rng)), (k) => JSON.stringify(k));
      const trial: TrialReport = { knobs, score: Number.NaN, reports: [], seconds: 0 };
      const started = performance.now();
      const model = await step(`trial ${t}: construct`, () => new Template(knobs));
      await step(`trial ${t}: train`, () => model.train(train, consoleContext(`trial ${t}`, verbose ? log : () => {}, trial.reports)), () => 'done');
      trial.score = await step(`trial ${t}: evaluate`, async () => checkScore(await model.evaluate(val)), (s) => `score ${s}`);
      trial.seconds = seconds(started);
      report.trials.push(trial);
      log(describeTrial(t, trials, trial));
      if (!best || trial.score > report.trials[report.best!]!.score) {
        best = { model, knobs };
        report.best = t - 1;
      }
    }

    const { model, knobs } = best!;
    const params = await step('dump parameters', () => model.dumpParameters(), (p) => `${Object.keys(p).length} entries`);
    const bytes = await step('encode parameters', () => encodeParams(params), (b) => `${b.length} bytes`);
    report.paramsBytes = bytes.length;
    const loaded = await step('load parameters into a fresh instance', () => {
      const fresh = new Template(knobs);
      fresh.loadParameters(decodeParams(bytes));
      return fresh;
    }, () => 'done');

    const queries = options.queries ?? (await step('build sample queries', () => defaultQueries(valPath, train), (q) => `${q.length} queries from ${valPath}`));
    report.queries = queries;
    const shape: PredictionShape = isClassification(task) ? { classes: train.classes.length } : 'number';
    const predictions = await step('predict', async () => {
      const answers = await loaded.predict(queries);
      checkPredictions(answers, queries.length, shape);
      return answers as unknown[];
    }, (p) => `${p.length} predictions, e.g. ${JSON.stringify(p[0], (_, v) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v))}`);
    report.predictions = predictions;
    await step('compare with the trained model', async () => {
      const original = await model.predict(queries) as unknown[];
      const difference = maxDifference(original, predictions);
      if (!(difference <= RELOAD_TOLERANCE)) {
        throw new Error(`the reloaded model predicts differently from the trained one (largest difference ${difference}); does loadParameters restore everything?`);
      }
    }, () => 'the reloaded model predicts as the trained one did');

    if (typeof loaded.toOnnx === 'function') {
      const onnxBytes = await step('export ONNX', () => loaded.toOnnx!(), (b) => `${b.length} bytes`);
      report.onnx = await step('run ONNX in onnxruntime', async () => {
        const { outputs } = await runOnnx(onnxBytes, queries, task, isClassification(task) ? train.classes.length : 0);
        const difference = maxDifference(outputs, predictions);
        if (!(difference <= ONNX_TOLERANCE)) {
          throw new Error(`onnxruntime's outputs differ from predict's by up to ${difference} (allowed ${ONNX_TOLERANCE}); first query: ONNX ${JSON.stringify(outputs[0])}, predict ${JSON.stringify(predictions[0])}`);
        }
        return { bytes: onnxBytes.length, maxDifference: difference };
      }, (o) => `matches predict (largest difference ${o.maxDifference.toExponential(1)})`);
    }
    log(`passed: best score ${report.trials[report.best!]!.score.toPrecision(4)} (trial ${report.best! + 1} of ${trials}); ` + summarise(report as TestModelReport));
    return report as TestModelReport;
  } finally {
    dispose();
  }
}

function describeTrial(t: number, trials: number, trial: TrialReport): string {
  const reports = trial.reports.length > 0 ? `, ${trial.reports.length} intermediate score${trial.reports.length > 1 ? 's' : ''}` : '';
  // Knobs to 4 significant digits, to keep the line readable; the report keeps them exactly.
  const knobs = JSON.stringify(trial.knobs, (_, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v));
  return `trial ${t} of ${trials}: score ${trial.score.toPrecision(4)} in ${trial.seconds.toFixed(2)} s${reports}; knobs ${knobs}`;
}

/** What the steps after the trials checked, in one clause. */
function summarise(report: TestModelReport): string {
  const onnx = report.onnx ? `, and ONNX answers as predict does (largest difference ${report.onnx.maxDifference.toExponential(1)})` : ', no ONNX export';
  return `saved in ${report.paramsBytes} bytes, reloaded, predicted ${report.predictions.length} queries as the trained model did${onnx}`;
}

async function defaultQueries(valPath: string, train: Dataset): Promise<unknown[]> {
  const queries: unknown[] = await sampleQueries(valPath, train, { count: 5 });
  if (train.kind === 'tabular') queries.push(allMissing(train));
  return queries;
}

/** A row with every number missing and every category unseen: the edge that queries hit in production. */
function allMissing(train: TabularDataset): Record<string, null | string> {
  return Object.fromEntries(train.encoding.columns.map((c) => [c.name, c.kind === 'numeric' ? null : '(a category never seen in training)']));
}

function checkScore(score: unknown): number {
  if (typeof score !== 'number' || !Number.isFinite(score)) throw new Error(`evaluate must return a finite number but returned ${String(score)}`);
  return score;
}

function describeData(data: Dataset): string {
  const size = data.kind === 'tabular' ? `${data.size} rows, ${data.encoding.columns.length} features (${data.encoding.width} encoded)` : `${data.size} images`;
  return data.classes.length > 0 ? `${size}, ${data.classes.length} classes` : size;
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}
