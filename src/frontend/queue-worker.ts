import type { QueueWorkerSpec } from '../common/protocols/frontend.ts';
import type { Services } from '../common/services/services.ts';
import { jobStreams } from './queue/open-store.ts';
import { startTrialWorkers } from './trial-workers.ts';

export interface RunningQueueWorker {
  /** Answers the batches it took, leaves the job's consumer group and ends its inference worker. */
  stop(): Promise<void>;
}

/**
 * Starts a queue worker in this process: one inference worker of one trial
 * (sandboxed where `services` sandboxes), fed by a batcher that takes the
 * trial's queries from the job's Redis streams, which every frontend of the
 * job pushes to. It joins the streams' consumer group as one more taker, so
 * what it takes and dies with is claimed by another taker (queue.ts).
 *
 * @example
 * const worker = await startQueueWorker({ ...FRONTEND_DEFAULTS, jobId, task, trial, redisUrl, sandbox: true, workerLimits }, { services });
 * await worker.stop();
 */
export async function startQueueWorker(spec: QueueWorkerSpec, { services }: { services: Services }): Promise<RunningQueueWorker> {
  const queue = jobStreams(spec.jobId, spec.redisUrl, spec.redisToken);
  let workers;
  try {
    workers = await startTrialWorkers({ trials: [spec.trial], replicasPerTrial: 1, queue, settings: spec, services });
  } catch (err) {
    await queue.close();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return {
    stop() {
      stopping ??= workers.stop().then(() => queue.close());
      return stopping;
    },
  };
}
