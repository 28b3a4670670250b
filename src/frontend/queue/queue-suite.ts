/**
 * The specification of QueryQueue as one suite that every implementation runs
 * (memory.test.ts, redis-streams.test.ts): a new queue inherits all of it.
 */
import { RedisClient } from 'bun';
import { afterEach, expect, test } from 'bun:test';
import type { QueryAnswer, QueryQueue, QueueEntry } from './queue.ts';

export interface QueueFactory {
  make(): QueryQueue;
  /** Removes whatever the queues left behind (Redis keys). */
  cleanup(): Promise<void>;
}

let sequence = 0;

export function entry(queue: QueryQueue, payload: QueueEntry['payload'], deadlineMs = 30_000): QueueEntry {
  const now = Date.now();
  return { id: `r${++sequence}:0`, origin: queue.origin, deadline: now + deadlineMs, enqueuedAt: now, payload };
}

export function queueSuite(factory: () => QueueFactory): void {
  let made: QueueFactory | undefined;
  const queues: QueryQueue[] = [];
  const open = () => {
    made ??= factory();
    const queue = made.make();
    queues.push(queue);
    return queue;
  };
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await made?.cleanup();
    made = undefined;
  });

  test('entries come out in order, at most `max` at a time, payloads intact', async () => {
    const queue = open();
    const rows = [new Float32Array([1.5, -2, Number.NaN]), new Float32Array([3, 4, 255])];
    const entries = [entry(queue, { row: rows[0]! }), entry(queue, { row: rows[1]! }), entry(queue, { query: { a: 'x', b: [1, null] } })];
    await queue.push('t1', entries);
    const first = await queue.take('t1', 2, 0);
    expect(first.map((e) => e.id)).toEqual(entries.slice(0, 2).map((e) => e.id));
    expect([...(first[0]!.payload as { row: Float32Array }).row].map(String)).toEqual(['1.5', '-2', 'NaN']);
    expect((first[1]!.payload as { row: Float32Array }).row).toBeInstanceOf(Float32Array);
    expect([...(first[1]!.payload as { row: Float32Array }).row]).toEqual([3, 4, 255]);
    const rest = await queue.take('t1', 10, 0);
    expect(rest.map((e) => [e.id, e.origin, e.deadline, e.payload])).toEqual([[entries[2]!.id, queue.origin, entries[2]!.deadline, { query: { a: 'x', b: [1, null] } }]]);
  });

  test('trials have separate queues; an empty take answers nothing', async () => {
    const queue = open();
    await queue.push('t1', [entry(queue, { query: 1 })]);
    expect(await queue.take('t2', 10, 0)).toEqual([]);
    expect(await queue.take('t2', 10, 20)).toEqual([]);
    expect(await queue.take('t1', 10, 0)).toHaveLength(1);
  });

  test('a waiting take gets what is pushed meanwhile', async () => {
    const queue = open();
    const taking = queue.take('t1', 10, 5_000);
    await Bun.sleep(20);
    await queue.push('t1', [entry(queue, { query: 'late' })]);
    expect((await taking).map((e) => e.payload)).toEqual([{ query: 'late' }]);
  });

  test('concurrent takers never get the same entry', async () => {
    const queue = open();
    const entries = Array.from({ length: 30 }, (_, i) => entry(queue, { query: i }));
    await queue.push('t1', entries);
    const taken = (await Promise.all([queue.take('t1', 7, 100), queue.take('t1', 7, 100), queue.take('t1', 7, 100), queue.take('t1', 30, 100)])).flat();
    expect(taken.map((e) => e.id).sort()).toEqual(entries.map((e) => e.id).sort());
  });

  test('replies reach the origin', async () => {
    const queue = open();
    const received: QueryAnswer[] = [];
    queue.onAnswers((answers) => received.push(...answers));
    const entries = [entry(queue, { query: 1 }), entry(queue, { query: 2 })];
    await queue.push('t1', entries);
    const taken = await queue.take('t1', 10, 100);
    await queue.reply('t1', taken, [
      { id: taken[0]!.id, trialId: 't1', prediction: [0.25, 0.75] },
      { id: taken[1]!.id, trialId: 't1', error: { status: 400, message: 'bad' } },
    ]);
    for (let i = 0; i < 200 && received.length < 2; i++) await Bun.sleep(10);
    expect(received).toEqual([
      { id: entries[0]!.id, trialId: 't1', prediction: [0.25, 0.75] },
      { id: entries[1]!.id, trialId: 't1', error: { status: 400, message: 'bad' } },
    ]);
    expect(queue.available()).toBe(true);
  });
}

/** Deletes every key under a prefix. */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const client = new RedisClient(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.send('SCAN', [cursor, 'MATCH', `${prefix}*`, 'COUNT', '1000']) as [string, string[]];
      if (keys.length > 0) await client.send('DEL', keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.close();
  }
}
