/**
 * The Admin's Prometheus metrics, in a registry of its own (tests run several
 * Admins in one process): its HTTP requests by route (the route's pattern,
 * never the raw path, so that the label set stays small), the durations of the
 * trials it ran, and, read from the store at each scrape, jobs and trials by
 * status and the trials waiting to run. The counts are the store's, so every
 * Admin sharing a database reports the same; requests and trial durations are
 * this Admin's own.
 *
 * @example
 * const metrics = adminMetrics(store.counts);
 * metrics.request({ route: '/users', method: 'GET', status: 200, seconds: 0.003 });
 * const text = await metrics.text();
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JOB_STATUSES, TRIAL_STATUSES } from '../common/domain.ts';
import type { Transition } from './jobs/transitions.ts';
import type { CountStore } from './store/counts.ts';

type Counts = Pick<CountStore, 'trainJobs' | 'inferenceJobs' | 'trials' | 'pendingTrials'>;

/** A gauge per status, set from a count read at each scrape. */
function statusGauge<S extends string>(registry: Registry, name: string, help: string, statuses: readonly S[], read: () => Promise<Partial<Record<S, number>>>) {
  return new Gauge({
    name, help, labelNames: ['status'], registers: [registry],
    async collect() {
      const counts = await read();
      for (const status of statuses) this.set({ status }, counts[status] ?? 0);
    },
  });
}

/** `agents`: how many agents are connected, where processes are placed by agents. */
export function adminMetrics(counts: Counts, { agents }: { agents?: () => number } = {}) {
  const registry = new Registry();
  const requests = new Counter({ name: 'rafiki_admin_http_requests_total', help: 'Requests the Admin answered, by route, method and status', labelNames: ['route', 'method', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'rafiki_admin_http_request_duration_seconds', help: 'Time from a request to its answer (for server-sent events, to the stream\'s start)', labelNames: ['route', 'method'], registers: [registry],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  const trialSeconds = new Histogram({
    name: 'rafiki_trial_duration_seconds', help: 'Time from a trial\'s start to its end, by how it ended, for the trials this Admin ran', labelNames: ['status'], registers: [registry],
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200],
  });
  statusGauge(registry, 'rafiki_train_jobs', 'Train jobs by status', JOB_STATUSES, () => counts.trainJobs());
  statusGauge(registry, 'rafiki_inference_jobs', 'Inference jobs by status', JOB_STATUSES, () => counts.inferenceJobs());
  statusGauge(registry, 'rafiki_trials', 'Trials by status', TRIAL_STATUSES, () => counts.trials());
  new Gauge({
    name: 'rafiki_trials_pending', help: 'Trials waiting to run: PENDING ones, and those the trial limits of active sub-jobs still allow', registers: [registry],
    async collect() {
      this.set(await counts.pendingTrials());
    },
  });
  if (agents) {
    new Gauge({
      name: 'rafiki_agents', help: "Agents connected to this Admin's process port: hosts it can place processes on", registers: [registry],
      collect() {
        this.set(agents());
      },
    });
  }
  // The registry stays in this closure: Elysia checksums its plugins' seeds (the Admin's deps) with JSON.stringify, and a registry is cyclic.
  return {
    contentType: registry.contentType,
    /** The Prometheus text, with the counts read from the store now. */
    text: (): Promise<string> => registry.metrics(),
    request({ route, method, status, seconds }: { route: string; method: string; status: number; seconds: number }): void {
      requests.inc({ route, method, status: String(status) });
      latency.observe({ route, method }, seconds);
    },
    /** Counts what a job transition says: a trial's duration when it ends. */
    transition(transition: Transition): void {
      if (transition.entity === 'trial' && transition.seconds !== null) trialSeconds.observe({ status: transition.status }, transition.seconds);
    },
  };
}

export type AdminMetrics = ReturnType<typeof adminMetrics>;
