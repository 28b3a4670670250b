import type { QueryAnswer, QueryQueue, QueueEntry } from './queue.ts';

interface Waiter { resolve: () => void; timer: ReturnType<typeof setTimeout> }

/**
 * The in-process queue: one array per trial, answers delivered by a direct
 * call. Serves one frontend on one machine (no REDIS_URL).
 *
 * @example
 * const queue = new MemoryQueue();
 * queue.onAnswers((answers) => …);
 * await queue.push('trial-1', [entry]);
 * const batch = await queue.take('trial-1', 64, 500);
 */
export class MemoryQueue implements QueryQueue {
  readonly origin = 'local';
  private readonly queues = new Map<string, QueueEntry[]>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private listener: (answers: QueryAnswer[]) => void = () => {};
  private closed = false;

  async push(trialId: string, entries: QueueEntry[]): Promise<void> {
    this.queueOf(trialId).push(...entries);
    const waiters = this.waiters.get(trialId);
    if (!waiters) return;
    for (const waiter of waiters) waiter.resolve();
  }

  async take(trialId: string, max: number, waitMs: number): Promise<QueueEntry[]> {
    const queue = this.queueOf(trialId);
    if (queue.length === 0 && waitMs > 0 && !this.closed) await this.arrival(trialId, waitMs);
    return queue.splice(0, max);
  }

  async reply(_trialId: string, _taken: QueueEntry[], answers: QueryAnswer[]): Promise<void> {
    this.listener(answers);
  }

  onAnswers(listener: (answers: QueryAnswer[]) => void): void {
    this.listener = listener;
  }

  available(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiters of this.waiters.values()) for (const waiter of waiters) waiter.resolve();
  }

  private queueOf(trialId: string): QueueEntry[] {
    let queue = this.queues.get(trialId);
    if (!queue) this.queues.set(trialId, (queue = []));
    return queue;
  }

  private arrival(trialId: string, waitMs: number): Promise<void> {
    let waiters = this.waiters.get(trialId);
    if (!waiters) this.waiters.set(trialId, (waiters = new Set()));
    const set = waiters;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve: () => {
          clearTimeout(waiter.timer);
          set.delete(waiter);
          resolve();
        },
        timer: setTimeout(() => waiter.resolve(), waitMs),
      };
      set.add(waiter);
    });
  }
}
