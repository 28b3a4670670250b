import { Counter, Histogram, Registry } from 'prom-client';
import type { BatchInfo } from './batcher.ts';

/**
 * The frontend's Prometheus metrics, in a registry of its own (several
 * frontends may share a process in tests). `endpoint` is the route's name, never
 * the raw path, so that the label set stays small.
 *
 * @example
 * const metrics = frontendMetrics();
 * metrics.request('predict', 200, 0.004);
 * const text = await metrics.registry.metrics();
 */
export function frontendMetrics() {
  const registry = new Registry();
  const requests = new Counter({ name: 'rafiki_frontend_requests_total', help: 'Requests answered, by endpoint and status', labelNames: ['endpoint', 'status'], registers: [registry] });
  const errors = new Counter({ name: 'rafiki_frontend_errors_total', help: 'Requests answered with a 4xx or 5xx status', labelNames: ['endpoint', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'rafiki_frontend_request_duration_seconds', help: 'Time from a request to its answer', labelNames: ['endpoint'], registers: [registry],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  const batchSize = new Histogram({
    name: 'rafiki_frontend_batch_size', help: 'Queries per batch handed to an inference worker', labelNames: ['trial'], registers: [registry],
    buckets: [1, 2, 4, 8, 16, 32, 48, 64, 96, 128, 256],
  });
  const batchLatency = new Histogram({
    name: 'rafiki_frontend_batch_duration_seconds', help: 'Time an inference worker took for a batch, IPC included', labelNames: ['trial'], registers: [registry],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  });
  const queueTime = new Histogram({
    name: 'rafiki_frontend_queue_seconds', help: 'Time a query waited in its queue before its batch started', labelNames: ['trial'], registers: [registry],
    buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  });
  /** Batch sizes seen, for `stats()` (the histogram's buckets are too coarse for the benchmark). */
  const sizes = new Map<number, number>();
  // Labelled children, looked up once: hashing labels per observation is a measurable cost at 10k requests/s.
  const byRoute = memo((key: string) => {
    const [endpoint, status] = key.split(' ') as [string, string];
    return { requests: requests.labels({ endpoint, status }), errors: errors.labels({ endpoint, status }), latency: latency.labels({ endpoint }) };
  });
  const byTrial = memo((trial: string) => ({ size: batchSize.labels({ trial }), latency: batchLatency.labels({ trial }), queue: queueTime.labels({ trial }) }));
  return {
    registry,
    sizes,
    request(endpoint: string, status: number, seconds: number): void {
      const route = byRoute(`${endpoint} ${status}`);
      route.requests.inc();
      if (status >= 400) route.errors.inc();
      route.latency.observe(seconds);
    },
    batch({ trialId, size, latencyMs, queueMs }: BatchInfo): void {
      const trial = byTrial(trialId);
      trial.size.observe(size);
      trial.latency.observe(latencyMs / 1000);
      for (const ms of queueMs) trial.queue.observe(ms / 1000);
      sizes.set(size, (sizes.get(size) ?? 0) + 1);
    },
  };
}

function memo<T>(make: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) cache.set(key, (value = make(key)));
    return value;
  };
}

export type FrontendMetrics = ReturnType<typeof frontendMetrics>;
