import { aimdPolicy, fixedPolicy, type BatchPolicy } from './batch-policy.ts';
import { Batcher } from './batcher.ts';
import { queryDims } from './encode.ts';
import { listen } from './http2-listener.ts';
import { frontendMetrics } from './metrics.ts';
import { Predictor, type ServedTrial } from './predictor.ts';
import { MemoryQueue } from './queue/memory.ts';
import type { QueryQueue } from './queue/queue.ts';
import { openStreamStore } from './queue/open-store.ts';
import { RedisStreamsQueue } from './queue/redis-streams.ts';
import { checkSpec, type FrontendSpec, type FrontendStats } from '../common/protocols/frontend.ts';
import type { Services } from '../common/services/services.ts';
import { PredictorAuth } from './auth.ts';
import { Replica, type WorkerRecorder } from './replica.ts';
import { frontendHandler } from './server.ts';
import { trialRunner } from './trial-runner.ts';

const PIPELINE_DEPTH = 2;

export interface RunningFrontend {
  port: number;
  stats(): FrontendStats;
  /** Refuses a banned user's tokens from now on. */
  ban(userId: string): void;
  /** Answers what is in flight, refuses new queries with 503 meanwhile, then ends the workers. */
  stop(): Promise<void>;
}

/**
 * Starts a query frontend in this process (docs/design.md §6): its inference
 * workers (`replicasPerTrial` per trial, each loaded before this resolves), a
 * batcher per trial, the queue (Redis Streams with `redisUrl`, else in-process)
 * and the HTTP/2 + HTTP/1.1 listener. Resolving means ready to serve.
 *
 * @example
 * const frontend = await startFrontend({ ...FRONTEND_DEFAULTS, jobId: 'j1', app: 'iris', appVersion: 1,
 *   task: 'TABULAR_CLASSIFICATION', host: '127.0.0.1', port: 0, trials, sandbox: true, workerLimits }, { services });
 * await fetch(`http://127.0.0.1:${frontend.port}/predict`, { method: 'POST', body: '{"query":[5.1,3.5,1.4,0.2]}' });
 * await frontend.stop();
 */
export async function startFrontend(spec: FrontendSpec, { services, recorder }: { services: Services; recorder?: WorkerRecorder }): Promise<RunningFrontend> {
  checkSpec(spec);
  const auth = await PredictorAuth.create(spec.auth);
  const replicas = spec.trials.map((trial) =>
    Array.from({ length: spec.replicasPerTrial }, () => new Replica(trial, {
      services, limits: spec.workerLimits, batchTimeoutMs: spec.batchTimeoutMs, ...(recorder ? { recorder } : {}),
      task: spec.task, onnxThreads: spec.onnxThreads, shared: { slots: PIPELINE_DEPTH, maxBatchSize: spec.maxBatchSize },
    })));
  const stopWorkers = () => Promise.all(replicas.flat().map((r) => r.stop()));
  let served: ServedTrial[];
  try {
    served = await Promise.all(replicas.map(async (set, t) => {
      const [first] = await Promise.all(set.map((replica) => replica.start()));
      const trial = spec.trials[t]!;
      return { trialId: trial.trialId, classes: trial.classes, input: first!.input };
    }));
  } catch (err) {
    await stopWorkers();
    throw err;
  }

  const queue: QueryQueue = spec.redisUrl ? new RedisStreamsQueue({ store: openStreamStore(spec.redisUrl, spec.redisToken), prefix: `rafiki:${spec.jobId}` }) : new MemoryQueue();
  const metrics = frontendMetrics();
  let retriedBatches = 0;
  const predictor = new Predictor({ task: spec.task, trials: served, queue });
  const batchers = served.map((trial, t) => new Batcher({
    trialId: trial.trialId,
    queue,
    // Each replica holds up to PIPELINE_DEPTH batches: one it predicts, the next already in its pipe,
    // so that it does not wait idle while the frontend answers the last batch and forms the next.
    runners: replicas[t]!.flatMap((replica) => Array.from({ length: PIPELINE_DEPTH }, (_, slot) => trialRunner(replica, {
      slot, features: features(trial), regression: spec.task === 'TABULAR_REGRESSION', onRetry: () => retriedBatches++,
    }))),
    policy: batchPolicy(spec),
    maxQueueDelayMs: spec.maxQueueDelayMs,
    onBatch: (info) => metrics.batch(info),
  }));
  for (const batcher of batchers) batcher.start();

  let accepting = true;
  const handler = frontendHandler({
    predictor,
    metrics,
    model: {
      app: spec.app, appVersion: spec.appVersion, task: spec.task, classes: predictor.ensemble.classes,
      input: served.find((t) => t.input !== null)?.input ?? null, defaultDeadlineMs: spec.deadlineMs,
    },
    auth,
    accepting: () => accepting,
    // Not ready while a trial has no worker up (one ended for a batch that took too long starts again).
    ready: () => queue.available() && replicas.every((set) => set.some((r) => r.ready)),
  });
  let listener;
  try {
    const options = { host: spec.host, port: spec.port, tls: spec.tls, maxBodyBytes: spec.maxBodyBytes, handler };
    listener = spec.preferredPort
      ? await listen({ ...options, port: spec.preferredPort }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EADDRINUSE') throw error;
        return listen(options);
      })
      : await listen(options);
  } catch (err) {
    await Promise.all(batchers.map((b) => b.stop()));
    await Promise.all([queue.close(), stopWorkers()]);
    throw err;
  }
  const { port } = listener;
  let stopping: Promise<void> | null = null;

  return {
    port,
    stats: () => ({
      port,
      inFlight: predictor.inFlight,
      accepting,
      batchSizes: Object.fromEntries(metrics.sizes),
      retriedBatches,
      workers: replicas.flat().map((r) => ({ trialId: r.trial.trialId, pid: r.pid, restarts: r.restarts })),
      busyWorkers: replicas.flat().filter((r) => r.busy && r.pid !== undefined).map((r) => r.pid!),
    }),
    ban: (userId) => auth.ban(userId),
    stop() {
      stopping ??= (async () => {
        accepting = false;
        // In-flight requests end by their deadline at the latest.
        while (predictor.inFlight > 0) await Bun.sleep(5);
        await Promise.all(batchers.map((b) => b.stop()));
        await Promise.all([listener.close(), queue.close(), stopWorkers()]);
      })();
      return stopping;
    },
  };
}

/** The input dimensions of one query of an ONNX trial, or null for template trials. */
function features({ input }: ServedTrial): number[] | null {
  return input === null ? null : queryDims(input);
}

function batchPolicy(spec: FrontendSpec): BatchPolicy {
  const policy = spec.batchPolicy ?? { kind: 'aimd' };
  if (policy.kind === 'fixed') return fixedPolicy(spec);
  // A query waits for at most about one batch ahead of it and then its own, so batches within a
  // quarter of the deadline leave it room; tighter targets would starve models with a fixed cost per batch.
  return aimdPolicy({ maxBatchSize: spec.maxBatchSize, targetMs: policy.targetMs ?? spec.deadlineMs / 4 });
}
