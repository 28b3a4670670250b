import { listen } from './http2-listener.ts';
import { frontendMetrics } from './metrics.ts';
import { Predictor, type ServedTrial } from './predictor.ts';
import { MemoryQueue } from './queue/memory.ts';
import type { QueryQueue } from './queue/queue.ts';
import { jobStreams } from './queue/open-store.ts';
import { checkSpec, type FrontendSpec, type FrontendStats } from '../common/protocols/frontend.ts';
import type { Services } from '../common/services/services.ts';
import { PredictorAuth } from './auth.ts';
import { trialInput, type WorkerRecorder } from './replica.ts';
import { frontendHandler } from './server.ts';
import { startTrialWorkers, type TrialWorkers } from './trial-workers.ts';

export interface RunningFrontend {
  port: number;
  stats(): FrontendStats;
  /** Refuses a banned user's tokens from now on. */
  ban(userId: string): void;
  /** Answers what is in flight, refuses new queries with 503 meanwhile, then ends the workers. */
  stop(): Promise<void>;
}

/**
 * Starts a query frontend in this process (docs/design.md §6): the queue (Redis
 * Streams with `redisUrl`, else in-process), its inference workers and their
 * batchers (`replicasPerTrial` per trial, each loaded before this resolves;
 * none when the job's workers are queue workers placed apart) and the HTTP/2 +
 * HTTP/1.1 listener. Resolving means ready to serve.
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
  const served: ServedTrial[] = spec.trials.map((trial) => ({ trialId: trial.trialId, classes: trial.classes, input: trialInput(trial) }));
  const queue: QueryQueue = spec.redisUrl ? jobStreams(spec.jobId, spec.redisUrl, spec.redisToken) : new MemoryQueue();
  const metrics = frontendMetrics();
  let workers: TrialWorkers | null = null;
  if (spec.replicasPerTrial > 0) {
    try {
      workers = await startTrialWorkers({
        trials: spec.trials, replicasPerTrial: spec.replicasPerTrial, queue, settings: spec, services,
        ...(recorder ? { recorder } : {}), onBatch: (info) => metrics.batch(info),
      });
    } catch (err) {
      await queue.close();
      throw err;
    }
  }
  const predictor = new Predictor({ task: spec.task, trials: served, queue });

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
    // Workers placed apart are their own hosts' concern: this frontend is ready when it can queue.
    ready: () => queue.available() && (workers?.ready() ?? true),
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
    await workers?.stop();
    await queue.close();
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
      retriedBatches: workers?.retriedBatches ?? 0,
      workers: workers?.workers() ?? [],
      busyWorkers: workers?.busy() ?? [],
    }),
    ban: (userId) => auth.ban(userId),
    stop() {
      stopping ??= (async () => {
        accepting = false;
        // In-flight requests end by their deadline at the latest.
        while (predictor.inFlight > 0) await Bun.sleep(5);
        await workers?.stop();
        await Promise.all([listener.close(), queue.close()]);
      })();
      return stopping;
    },
  };
}
