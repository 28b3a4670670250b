/**
 * Live serving figures from two readings of a job's cumulative counts (GET
 * /inference_jobs/:app/:v/serving): what happened between them, as Prometheus'
 * rate() and histogram_quantile() would say it.
 */
import type { ServingFiguresJson } from '../admin/schemas/inference-jobs.ts';

type Histogram = ServingFiguresJson['latencySeconds'];

export interface Rates {
  requestsPerSecond: number;
  errorsPerSecond: number;
  /** Null when nothing was answered in between. */
  p50Ms: number | null;
  p99Ms: number | null;
  meanBatchSize: number | null;
}

const total = (answers: Record<string, number>) => Object.values(answers).reduce((a, b) => a + b, 0);

/**
 * The `q` quantile of what a histogram gained between two readings, by linear
 * interpolation within the bucket it falls in; past the last finite bound, that bound.
 */
export function quantile(q: number, before: Histogram, after: Histogram): number | null {
  const count = after.count - before.count;
  if (count <= 0) return null;
  const earlier = new Map(before.buckets);
  const rank = q * count;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, cumulative] of after.buckets) {
    const gained = cumulative - (earlier.get(bound) ?? 0);
    if (gained >= rank) return lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / Math.max(gained - lowerCount, Number.EPSILON);
    lowerBound = bound;
    lowerCount = gained;
  }
  return lowerBound;
}

export function rates(before: ServingFiguresJson, after: ServingFiguresJson, seconds: number): Rates {
  const batches = after.batchSize.count - before.batchSize.count;
  const p50 = quantile(0.5, before.latencySeconds, after.latencySeconds);
  const p99 = quantile(0.99, before.latencySeconds, after.latencySeconds);
  return {
    requestsPerSecond: (total(after.answers) - total(before.answers)) / seconds,
    errorsPerSecond: (after.errors - before.errors) / seconds,
    p50Ms: p50 === null ? null : p50 * 1000,
    p99Ms: p99 === null ? null : p99 * 1000,
    meanBatchSize: batches > 0 ? (after.batchSize.sum - before.batchSize.sum) / batches : null,
  };
}
