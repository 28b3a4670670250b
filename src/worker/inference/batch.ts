/**
 * What crosses the IPC pipe between a frontend and an inference worker. Batches
 * for ONNX trials are one FP32 tensor: written into a slot of the memory the
 * two share (shared-tensors.ts), or, without it, sent whole, which the advanced
 * serialization copies as binary. Template trials get their raw queries.
 */
import type { OnnxInputSpec } from '../../model/model.ts';
import type { Task } from '../../model/task.ts';
import type { DeployedTrial } from '../../frontend/spec.ts';
import type { SharedTensorsSpec } from './shared-tensors.ts';

export type InferenceBatch =
  | { kind: 'tensor'; data: Float32Array; dims: number[] }
  | { kind: 'shared'; slot: number; dims: number[] }
  | { kind: 'queries'; queries: unknown[] };

/**
 * One answer per query, in order. `error` reports a batch the model refused:
 * status 400 when a query does not fit (the template threw an InputError), else 500.
 */
export type BatchOutput =
  | { kind: 'tensor'; data: Float32Array; dims: number[] }
  | { kind: 'predictions'; predictions: unknown[] }
  | { kind: 'error'; status: number; message: string };

export interface LoadOptions { task: Task; onnxThreads: number }

/** The comlink API of src/worker/inference-worker.ts, channel 'inference'. */
export interface InferenceWorkerApi {
  /** Loads the trial; answers its ONNX input spec, or null when the template predicts itself. */
  load(trial: DeployedTrial, options: LoadOptions): Promise<{ input: OnnxInputSpec | null }>;
  /** Maps the frontend's shared memory for this worker's `shared` batches. */
  attach(shared: SharedTensorsSpec): Promise<void>;
  predict(batch: InferenceBatch): Promise<BatchOutput>;
}

/** A loaded trial, ready for batches (`shared` ones resolved to tensors by the worker). */
export interface Predictor {
  input: OnnxInputSpec | null;
  predict(batch: Exclude<InferenceBatch, { kind: 'shared' }>): Promise<BatchOutput>;
}
