import { aimdPolicy, fixedPolicy, type BatchPolicy } from './batch-policy.ts';
import { Batcher, type BatchInfo } from './batcher.ts';
import { queryDims } from './encode.ts';
import type { QueryQueue } from './queue/queue.ts';
import { Replica, type WorkerRecorder } from './replica.ts';
import { trialRunner } from './trial-runner.ts';
import type { DeployedTrial, FrontendSpec } from '../common/protocols/frontend.ts';
import type { Services } from '../common/services/services.ts';
import type { OnnxInputSpec } from '../model/model.ts';

const PIPELINE_DEPTH = 2;

/** How the workers of a job predict and batch: the frontend spec's worker settings. */
export type WorkerSettings = Pick<FrontendSpec,
  'task' | 'workerLimits' | 'batchTimeoutMs' | 'onnxThreads' | 'maxBatchSize' | 'maxQueueDelayMs' | 'deadlineMs' | 'batchPolicy'>;

export interface TrialWorkersOptions {
  trials: DeployedTrial[];
  replicasPerTrial: number;
  /** Where the trials' queries wait: the frontend's own queue, or the job's Redis streams. */
  queue: QueryQueue;
  settings: WorkerSettings;
  services: Services;
  recorder?: WorkerRecorder;
  onBatch?: (info: BatchInfo) => void;
}

export interface TrialWorkers {
  /** Whether every trial has a worker up (one ended for a batch that took too long starts again). */
  ready(): boolean;
  /** Batches tried again because their worker died under them. */
  readonly retriedBatches: number;
  workers(): { trialId: string; pid: number | undefined; restarts: number }[];
  /** Pids of the workers predicting a batch now. */
  busy(): number[];
  /** Ends once every batch taken has been answered, then ends the workers. */
  stop(): Promise<void>;
}

/**
 * The worker half of serving: per trial, `replicasPerTrial` inference workers,
 * each loaded before this resolves, and a batcher that takes the trial's
 * queries from the queue and feeds them. A frontend runs it beside its
 * listener; a queue worker (queue-worker.ts) runs it alone, for one trial, on
 * whichever host it was placed.
 *
 * @example
 * const workers = await startTrialWorkers({ trials, replicasPerTrial: 1, queue, settings, services });
 * await workers.stop();
 */
export async function startTrialWorkers(options: TrialWorkersOptions): Promise<TrialWorkers> {
  const { trials, replicasPerTrial, queue, settings, services, recorder, onBatch } = options;
  const replicas = trials.map((trial) =>
    Array.from({ length: replicasPerTrial }, () => new Replica(trial, {
      services, limits: settings.workerLimits, batchTimeoutMs: settings.batchTimeoutMs, ...(recorder ? { recorder } : {}),
      task: settings.task, onnxThreads: settings.onnxThreads, shared: { slots: PIPELINE_DEPTH, maxBatchSize: settings.maxBatchSize },
    })));
  const all = replicas.flat();
  const stopReplicas = () => Promise.all(all.map((r) => r.stop()));
  let inputs: (OnnxInputSpec | null)[];
  try {
    // Every replica of a trial loads the same file: the first one's input spec is the trial's.
    inputs = await Promise.all(replicas.map(async (set) => (await Promise.all(set.map((replica) => replica.start())))[0]!.input));
  } catch (err) {
    await stopReplicas();
    throw err;
  }

  let retriedBatches = 0;
  const batchers = trials.map((trial, t) => {
    const input = inputs[t]!;
    return new Batcher({
      trialId: trial.trialId,
      queue,
      // Each replica holds up to PIPELINE_DEPTH batches: one it predicts, the next already in its pipe,
      // so that it does not wait idle while the last batch is answered and the next formed.
      runners: replicas[t]!.flatMap((replica) => Array.from({ length: PIPELINE_DEPTH }, (_, slot) => trialRunner(replica, {
        slot, features: input === null ? null : queryDims(input), regression: settings.task === 'TABULAR_REGRESSION', onRetry: () => retriedBatches++,
      }))),
      policy: batchPolicy(settings),
      maxQueueDelayMs: settings.maxQueueDelayMs,
      ...(onBatch ? { onBatch } : {}),
    });
  });
  for (const batcher of batchers) batcher.start();

  return {
    ready: () => replicas.every((set) => set.some((r) => r.ready)),
    get retriedBatches() {
      return retriedBatches;
    },
    workers: () => all.map((r) => ({ trialId: r.trial.trialId, pid: r.pid, restarts: r.restarts })),
    busy: () => all.filter((r) => r.busy && r.pid !== undefined).map((r) => r.pid!),
    async stop() {
      await Promise.all(batchers.map((b) => b.stop()));
      await stopReplicas();
    },
  };
}

function batchPolicy(settings: WorkerSettings): BatchPolicy {
  const policy = settings.batchPolicy ?? { kind: 'aimd' };
  if (policy.kind === 'fixed') return fixedPolicy(settings);
  // A query waits for at most about one batch ahead of it and then its own, so batches within a
  // quarter of the deadline leave it room; tighter targets would starve models with a fixed cost per batch.
  return aimdPolicy({ maxBatchSize: settings.maxBatchSize, targetMs: policy.targetMs ?? settings.deadlineMs / 4 });
}
