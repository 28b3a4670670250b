/**
 * What crosses the IPC pipe between a frontend and an inference worker. Batches
 * for ONNX trials travel as one FP32 tensor, which the advanced serialization
 * copies as binary; template trials get their raw queries.
 */
import type { OnnxInputSpec } from '../../model/model.ts';
import type { Task } from '../../model/task.ts';
import type { DeployedTrial } from '../../frontend/spec.ts';

export type InferenceBatch =
  | { kind: 'tensor'; data: Float32Array; dims: number[] }
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
  predict(batch: InferenceBatch): Promise<BatchOutput>;
}

/** A loaded trial, ready for batches. */
export interface Predictor {
  input: OnnxInputSpec | null;
  predict(batch: InferenceBatch): Promise<BatchOutput>;
}
