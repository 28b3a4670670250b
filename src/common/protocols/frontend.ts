/**
 * What the Admin and a query frontend say to each other: what the frontend is
 * to serve (the job, where to listen, the queue, the deployed trials, the
 * batching, deadline and worker settings), the calls the frontend answers,
 * and the calls by which it records its inference workers with the Admin.
 */
import { Type } from '@sinclair/typebox';
import type { CallList, Handlers } from '../ipc/calls.ts';
import type { Limits } from '../services/services.ts';
import type { Task } from '../../model/task.ts';
import { TrialIdSchema } from './values.ts';

export { FRONTEND_CHANNEL, FRONTEND_HOST_CHANNEL, QUEUE_WORKER_CHANNEL } from './channels.ts';

export interface DeployedTrial {
  trialId: string;
  /** Path of the trial's ONNX file, when the template exported one: served by onnxruntime-node. */
  onnxPath?: string;
  /**
   * Otherwise the template's own predict: its file, its class and knobs, the SDK-format parameters file,
   * and the `node_modules` folder of its installed dependencies when it has some (unset: it imports
   * `rafiki/model` alone, and the frontend makes the folder that resolves it).
   */
  template: { path: string; nodeModules?: string; className: string; knobs: Record<string, number | string | boolean> };
  paramsPath: string;
  classes: string[];          // [] for regression
}

/** How the batcher sizes batches; see batch-policy.ts. */
export type BatchPolicySpec = { kind: 'fixed' } | { kind: 'aimd'; targetMs?: number };

export interface FrontendSpec {
  jobId: string; app: string; appVersion: number;
  task: Task;
  host: string; port: number;                 // 0: a free port
  /** Tried first when set (a redeployed job's last port), so its clients need no new address; `port` when it is taken. */
  preferredPort?: number;
  tls?: { certPath: string; keyPath: string };
  redisUrl?: string;                          // unset: the in-process queue
  redisToken?: string;                        // with an http(s) redisUrl: Upstash's REST protocol
  trials: DeployedTrial[];
  /** Its own inference workers per trial (REPLICA_COUNT, default 1); 0 when the job's workers are queue workers placed apart, which needs `redisUrl`. */
  replicasPerTrial: number;
  maxBatchSize: number;                       // default 64
  maxQueueDelayMs: number;                    // default 2
  deadlineMs: number;                         // default 1000
  maxBodyBytes: number;                       // default 4 MiB
  onnxThreads: number;                        // intra-op threads, default 1
  /** A batch a worker has not answered in this long is answered with an error, and the worker started again. */
  batchTimeoutMs: number;                     // default 10 s
  /** Whether inference workers run in the sandbox (the Admin's RAFIKI_SANDBOX). */
  sandbox: boolean;
  /** Limits of each inference worker's process tree. */
  workerLimits: Limits;
  /** Who may query: tokens are checked with the Admin's public key (SPKI PEM); the job's owner; users banned within a token's lifetime. */
  auth: { publicKey: string; ownerId: string; banned: string[] };
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
  batchTimeoutMs: 10_000,
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
  if (!Number.isInteger(spec.replicasPerTrial) || spec.replicasPerTrial < 0) throw new Error(`replicasPerTrial must be a whole number, got ${spec.replicasPerTrial}`);
  if (spec.replicasPerTrial === 0 && !spec.redisUrl) throw new Error('a frontend without inference workers needs redisUrl, where workers placed apart take its queries');
  const positive = ['maxBatchSize', 'deadlineMs', 'maxBodyBytes', 'onnxThreads', 'batchTimeoutMs'] as const;
  for (const field of positive) {
    if (!Number.isInteger(spec[field]) || spec[field] < 1) throw new Error(`${field} must be a positive integer, got ${spec[field]}`);
  }
  if (!(spec.maxQueueDelayMs >= 0)) throw new Error(`maxQueueDelayMs cannot be negative, got ${spec.maxQueueDelayMs}`);
  for (const field of ['port', 'preferredPort'] as const) {
    const port = spec[field] ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${field} must be 0–65535, got ${port}`);
  }
  const regression = spec.task === 'TABULAR_REGRESSION';
  for (const trial of spec.trials) {
    if (regression !== (trial.classes.length === 0)) {
      throw new Error(`trial ${trial.trialId} has ${trial.classes.length} classes, which does not fit ${spec.task}`);
    }
  }
}

export interface FrontendStats {
  port: number;
  inFlight: number;
  accepting: boolean;
  /** Batch size → how many batches had it. */
  batchSizes: Record<number, number>;
  /** Batches tried again because their worker died under them. */
  retriedBatches: number;
  workers: { trialId: string; pid: number | undefined; restarts: number }[];
  /** Pids of the workers predicting a batch right now. */
  busyWorkers: number[];
}

/** What the frontend's process answers its parent on FRONTEND_CHANNEL. */
export interface FrontendApi {
  /** Starts serving; resolves when ready (workers loaded, port listening). */
  start(spec: FrontendSpec): Promise<{ port: number }>;
  /** Answers what is in flight, answers new queries 503 meanwhile, ends the workers and the listener. */
  stop(): Promise<void>;
  stats(): FrontendStats | null;
  /** A user was banned: their tokens are refused from now on. */
  ban(userId: string): void;
}

/**
 * An inference worker placed apart from the job's frontends (a queue worker):
 * it serves one trial, taking that trial's batches from the job's Redis
 * streams and answering through them, so a job's frontends and workers scale
 * apart. Its worker settings are the frontends'.
 */
export type QueueWorkerSpec = Pick<FrontendSpec,
  'jobId' | 'task' | 'redisToken' | 'maxBatchSize' | 'maxQueueDelayMs' | 'deadlineMs' | 'onnxThreads' | 'batchTimeoutMs' | 'sandbox' | 'workerLimits' | 'batchPolicy'>
  & { trial: DeployedTrial; redisUrl: string };

/** What a queue worker's process answers its parent on QUEUE_WORKER_CHANNEL. */
export interface QueueWorkerApi {
  /** Loads the trial and takes batches; resolves once it does. */
  start(spec: QueueWorkerSpec): Promise<void>;
  /** Answers the batches it took, then ends its inference worker. */
  stop(): Promise<void>;
}

const ServiceIdSchema = Type.String({ minLength: 1, maxLength: 64 });

/** What the frontend tells the Admin on FRONTEND_HOST_CHANNEL, so that its workers are in the services table. */
export const FRONTEND_HOST_CALLS = {
  /** A worker of the trial was started; answers its service's id. */
  workerStarted: { args: Type.Tuple([TrialIdSchema, Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])]), result: ServiceIdSchema },
  /** It loaded its trial and takes batches. */
  workerReady: { args: Type.Tuple([ServiceIdSchema]), result: Type.Undefined() },
  /** It ended: on request, or for `reason`. */
  workerEnded: { args: Type.Tuple([ServiceIdSchema, Type.Object({ requested: Type.Boolean(), reason: Type.String({ maxLength: 1000 }) })]), result: Type.Undefined() },
} satisfies CallList;

export type FrontendHostApi = Handlers<typeof FRONTEND_HOST_CALLS>;
