/**
 * What the Admin tells a query frontend to serve (DESIGN.md §6): the job, where
 * to listen, the queue, the deployed trials and the batching and deadline settings.
 */
import type { Task } from '../model/task.ts';

export interface DeployedTrial {
  trialId: string;
  /** Path of the trial's ONNX file, when the template exported one: served by onnxruntime-node. */
  onnxPath?: string;
  /** Otherwise the template's own predict: its file (in a folder where `rafiki/model` and its dependencies resolve), class, knobs, and the SDK-format parameters file. */
  template: { path: string; className: string; knobs: Record<string, number | string | boolean> };
  paramsPath: string;
  classes: string[];          // [] for regression
}

/** How the batcher sizes batches; see batch-policy.ts. */
export type BatchPolicySpec = { kind: 'fixed' } | { kind: 'aimd'; targetMs?: number };

export interface FrontendSpec {
  jobId: string; app: string; appVersion: number;
  task: Task;
  host: string; port: number;                 // 0: a free port
  tls?: { certPath: string; keyPath: string };
  redisUrl?: string;                          // unset: the in-process queue
  trials: DeployedTrial[];
  replicasPerTrial: number;                   // REPLICA_COUNT, default 1
  maxBatchSize: number;                       // default 64
  maxQueueDelayMs: number;                    // default 2
  deadlineMs: number;                         // default 1000
  maxBodyBytes: number;                       // default 4 MiB
  onnxThreads: number;                        // intra-op threads, default 1
  /** Optional: default AIMD with a target of a quarter of `deadlineMs`. */
  batchPolicy?: BatchPolicySpec;
}

export const FRONTEND_DEFAULTS = {
  replicasPerTrial: 1,
  maxBatchSize: 64,
  maxQueueDelayMs: 2,
  deadlineMs: 1000,
  maxBodyBytes: 4 * 1024 * 1024,
  onnxThreads: 1,
} as const;

/**
 * Throws naming the first field that cannot work, so that a bad spec fails the
 * start instead of the first query.
 *
 * @example
 * checkSpec({ ...FRONTEND_DEFAULTS, jobId: 'j1', app: 'iris', appVersion: 1, task: 'TABULAR_CLASSIFICATION', host: '127.0.0.1', port: 0, trials });
 */
export function checkSpec(spec: FrontendSpec): void {
  if (spec.trials.length === 0) throw new Error('an inference job needs at least one trial, got none');
  const positive = ['replicasPerTrial', 'maxBatchSize', 'deadlineMs', 'maxBodyBytes', 'onnxThreads'] as const;
  for (const field of positive) {
    if (!Number.isInteger(spec[field]) || spec[field] < 1) throw new Error(`${field} must be a positive integer, got ${spec[field]}`);
  }
  if (!(spec.maxQueueDelayMs >= 0)) throw new Error(`maxQueueDelayMs cannot be negative, got ${spec.maxQueueDelayMs}`);
  if (!Number.isInteger(spec.port) || spec.port < 0 || spec.port > 65535) throw new Error(`port must be 0–65535, got ${spec.port}`);
  const regression = spec.task === 'TABULAR_REGRESSION';
  for (const trial of spec.trials) {
    if (regression !== (trial.classes.length === 0)) {
      throw new Error(`trial ${trial.trialId} has ${trial.classes.length} classes, which does not fit ${spec.task}`);
    }
  }
}
