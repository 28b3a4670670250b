/**
 * How large the next batch may be: the policy half of batching (the batcher is
 * the mechanism). The batcher asks `size()` before it takes queries and tells
 * `observe()` how long each batch took to predict.
 *
 * - `fixed`: always `maxBatchSize`.
 * - `aimd` (Clipper's adaptive batching, additive increase / multiplicative
 *   decrease): start at `start`; after a batch that filled the current size and
 *   took at most `targetMs`, grow by `step`; after any batch that took longer,
 *   shrink to `backoff` × its size. Batches that did not fill the size say
 *   nothing about larger ones, so they do not grow it. The size stays within
 *   1 … `maxBatchSize`. It finds the largest batch that the replica predicts
 *   within the target, so throughput grows without latency exceeding it.
 *
 * @example
 * const policy = aimdPolicy({ maxBatchSize: 64, targetMs: 100 });
 * const n = policy.size();          // 8
 * policy.observe(8, 3);             // under target: next size 12
 */
export interface BatchPolicy {
  size(): number;
  observe(batchSize: number, latencyMs: number): void;
}

export function fixedPolicy({ maxBatchSize }: { maxBatchSize: number }): BatchPolicy {
  checkMax(maxBatchSize);
  return { size: () => maxBatchSize, observe() {} };
}

export interface AimdOptions {
  maxBatchSize: number;
  /** The latency a batch should stay within (Clipper's SLO). */
  targetMs: number;
  start?: number;
  step?: number;
  backoff?: number;
}

export function aimdPolicy({ maxBatchSize, targetMs, start = 8, step = 4, backoff = 0.9 }: AimdOptions): BatchPolicy {
  checkMax(maxBatchSize);
  if (!(targetMs > 0)) throw new Error(`targetMs must be positive, got ${targetMs}`);
  if (!(backoff > 0 && backoff < 1)) throw new Error(`backoff must be between 0 and 1, got ${backoff}`);
  if (!(step >= 1)) throw new Error(`step must be at least 1, got ${step}`);
  let current = clamp(start, maxBatchSize);
  return {
    size: () => current,
    observe(batchSize, latencyMs) {
      if (latencyMs > targetMs) current = clamp(Math.floor(batchSize * backoff), maxBatchSize);
      else if (batchSize >= current) current = clamp(current + step, maxBatchSize);
    },
  };
}

function clamp(size: number, max: number): number {
  return Math.max(1, Math.min(max, Math.round(size)));
}

function checkMax(maxBatchSize: number): void {
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) throw new Error(`maxBatchSize must be a positive integer, got ${maxBatchSize}`);
}
