/**
 * The template contract (docs/design.md §4). A template is a module exporting a class
 * that extends `Model`; workers construct it with one value per knob, train it,
 * evaluate it, dump its parameters and, later, load them into a fresh instance
 * to predict.
 */
import type { Dataset } from './dataset.ts';
import type { KnobConfig, Knobs } from './knobs.ts';
import type { Task } from './task.ts';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array;
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** What a trained template keeps: named typed arrays (kept binary) and JSON values. */
export type ParamValue = TypedArray | JsonValue;
export type Params = Record<string, ParamValue>;

export type EarlyStopDecision = 'continue' | 'stop';

/** What a template's `train` can report through while it trains. */
export interface TrainContext {
  /** A message, or metrics (name → number) for the trial's plots. */
  log(messageOrMetrics: string | Record<string, number>): void;
  /** Declares a plot of `metrics` against `xAxis` (default: time), as Rafiki's logger did. */
  definePlot(title: string, metrics: string[], xAxis?: string): void;
  /**
   * An intermediate score (higher is better) after `step` units of the resource
   * (epochs, say). Resolves to 'stop' when the Advisor stops the trial early; the
   * template should then return from `train` at once.
   */
  report(progress: { step: number; score: number }): Promise<EarlyStopDecision>;
}

export abstract class Model<Query = unknown, Prediction = unknown> {
  /** The knobs the Advisor tunes; each instance receives one value per knob. */
  static knobConfig: KnobConfig = {};
  /** The tasks this template serves. */
  static tasks: readonly Task[] = [];

  constructor(readonly knobs: Knobs) {}

  abstract train(data: Dataset, ctx: TrainContext): Promise<void>;
  /** A score on a validation set; higher is better (accuracy, R²). */
  abstract evaluate(data: Dataset): Promise<number>;
  /** One prediction per query, in order: probabilities per class, or a number. */
  abstract predict(queries: Query[]): Promise<Prediction[]>;
  abstract dumpParameters(): Params;
  abstract loadParameters(params: Params): void;
  /**
   * Optional: the trained model as ONNX, so that inference runs in onnxruntime.
   * The graph takes raw queries as one FP32 tensor ([N, features] in column order,
   * categorical columns as category indices; images [N, H, W, C] pixels 0–255) and
   * answers probabilities [N, classes] or values [N]; its metadata_props carry
   * `rafiki.input` (how to turn queries into that tensor).
   */
  toOnnx?(): Uint8Array;
}

/** The static side of a template class, as a worker sees it after importing the module. */
export interface ModelClass<M extends Model = Model> {
  new (knobs: Knobs): M;
  knobConfig: KnobConfig;
  tasks: readonly Task[];
}

/**
 * How a query becomes the ONNX graph's input tensor; JSON in the graph's
 * metadata_props under `rafiki.input`, read by inference workers and the frontend.
 * Tabular: one column per raw feature, in order; a numeric column carries the raw
 * number (NaN when missing: the graph takes it as the training mean), a categorical
 * column the index of its value in `categories` (-1 when unknown or missing). The SDK's
 * `queriesToTabularTensor` and `imageQueriesToTensor` build it. Images: pixels 0–255, resized
 * to height × width, with `channels` channels, as [N, H, W, C].
 */
export type OnnxInputSpec =
  | { kind: 'tabular'; columns: { name: string; categories: string[] | null }[] }
  | { kind: 'image'; height: number; width: number; channels: 1 | 3 };

export const ONNX_INPUT_METADATA_KEY = 'rafiki.input';
