import type { BatchPolicy } from './batch-policy.ts';
import type { QueryAnswer, QueryQueue, QueueEntry } from './queue/queue.ts';

/** Predicts one batch on one replica; answers one QueryAnswer per entry. */
export type BatchRunner = (entries: QueueEntry[]) => Promise<QueryAnswer[]>;

export interface BatchInfo { trialId: string; size: number; latencyMs: number; queueMs: number[] }

export interface BatcherOptions {
  trialId: string;
  queue: QueryQueue;
  /** Each runs one batch at a time; a replica may have several (see frontend.ts). */
  runners: BatchRunner[];
  policy: BatchPolicy;
  maxQueueDelayMs: number;
  onBatch?: (info: BatchInfo) => void;
}

/** How long a take waits for a first query; bounds how long stopping waits. */
const TAKE_WAIT_MS = 250;

/**
 * Forms batches of one trial (the mechanism; `policy` decides their size): each
 * runner, once idle, takes up to `policy.size()` queued queries; if fewer are
 * there it waits until the oldest has waited `maxQueueDelayMs` and takes what
 * else arrived, then predicts them as one batch and replies.
 *
 * @example
 * const batcher = new Batcher({ trialId, queue, runners: [run], policy: fixedPolicy({ maxBatchSize: 64 }), maxQueueDelayMs: 2 });
 * batcher.start();
 * await batcher.stop();
 */
export class Batcher {
  private loops: Promise<void>[] = [];
  private stopped = false;

  constructor(private readonly options: BatcherOptions) {}

  start(): void {
    this.loops = this.options.runners.map((run) => this.loop(run));
  }

  /** Ends once every batch in progress has replied. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  private async loop(run: BatchRunner): Promise<void> {
    const { trialId, queue, policy, maxQueueDelayMs, onBatch } = this.options;
    while (!this.stopped) {
      const entries = await this.take(policy.size(), TAKE_WAIT_MS);
      if (entries.length === 0) continue;
      const max = policy.size();
      if (entries.length < max && maxQueueDelayMs > 0) {
        const wait = Math.min(maxQueueDelayMs, entries[0]!.enqueuedAt + maxQueueDelayMs - Date.now());
        if (wait > 0) await Bun.sleep(wait);
        entries.push(...await this.take(max - entries.length, 0));
      }
      const takenAt = Date.now();
      // Nobody waits for an entry past its deadline any more: it is only acknowledged.
      const live = entries.filter((entry) => entry.deadline >= takenAt);
      if (live.length === 0) {
        await queue.reply(trialId, entries, []).catch(() => {});
        continue;
      }
      const started = performance.now();
      const answers = await run(live).catch((err: unknown) => live.map((entry): QueryAnswer => ({
        id: entry.id, trialId, error: { status: 500, message: err instanceof Error ? err.message : String(err) },
      })));
      const latencyMs = performance.now() - started;
      policy.observe(live.length, latencyMs);
      onBatch?.({ trialId, size: live.length, latencyMs, queueMs: live.map((entry) => takenAt - entry.enqueuedAt) });
      // When the reply cannot be sent (Redis away), the origins answer at their deadlines.
      await queue.reply(trialId, entries, answers).catch(() => {});
    }
  }

  private async take(max: number, waitMs: number): Promise<QueueEntry[]> {
    try {
      return await this.options.queue.take(this.options.trialId, max, waitMs);
    } catch {
      // The queue is unreachable; keep trying without spinning.
      await Bun.sleep(100);
      return [];
    }
  }
}
