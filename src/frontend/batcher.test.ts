import { afterEach, expect, test } from 'bun:test';
import { fixedPolicy } from './batch-policy.ts';
import { Batcher, type BatchRunner } from './batcher.ts';
import { MemoryQueue } from './queue/memory.ts';
import type { QueryAnswer, QueueEntry } from './queue/queue.ts';
import { entry } from './queue/queue-suite.ts';

let batcher: Batcher | undefined;
let queue: MemoryQueue;
afterEach(async () => {
  await batcher?.stop();
  await queue.close();
});

/** Starts a batcher whose runners record batch sizes and answer each query with its payload. */
function start(options: { maxBatchSize: number; maxQueueDelayMs?: number; runners?: number; run?: BatchRunner }) {
  queue = new MemoryQueue();
  const answers: QueryAnswer[] = [];
  queue.onAnswers((list) => answers.push(...list));
  const sizes: number[] = [];
  const echo: BatchRunner = async (entries) => entries.map((e) => ({ id: e.id, trialId: 't', prediction: (e.payload as { query: number }).query }));
  batcher = new Batcher({
    trialId: 't', queue, policy: fixedPolicy({ maxBatchSize: options.maxBatchSize }), maxQueueDelayMs: options.maxQueueDelayMs ?? 0,
    runners: Array.from({ length: options.runners ?? 1 }, () => options.run ?? echo),
    onBatch: ({ size }) => sizes.push(size),
  });
  batcher.start();
  return { answers, sizes };
}

async function until(check: () => boolean) {
  for (let i = 0; i < 500 && !check(); i++) await Bun.sleep(10);
}

test('batches hold at most the policy size; every query is answered once', async () => {
  const { answers, sizes } = start({ maxBatchSize: 4 });
  const entries = Array.from({ length: 10 }, (_, i) => entry(queue, { query: i }));
  await queue.push('t', entries);
  await until(() => answers.length === 10);
  expect(sizes.every((s) => s <= 4)).toBe(true);
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
  expect(answers.map((a) => a.prediction)).toEqual(entries.map((_, i) => i));
});

test('a batch short of the size waits for the queue delay and takes what arrived meanwhile', async () => {
  const { answers, sizes } = start({ maxBatchSize: 8, maxQueueDelayMs: 1000 });
  await queue.push('t', [entry(queue, { query: 1 })]);
  await Bun.sleep(20);
  await queue.push('t', [entry(queue, { query: 2 }), entry(queue, { query: 3 })]);
  await until(() => answers.length === 3);
  expect(sizes).toEqual([3]);
});

test('each replica predicts one batch at a time, replicas in parallel', async () => {
  let running = 0;
  let most = 0;
  const slow: BatchRunner = async (entries) => {
    most = Math.max(most, ++running);
    await Bun.sleep(30);
    running--;
    return entries.map((e) => ({ id: e.id, trialId: 't', prediction: 0 }));
  };
  const { answers } = start({ maxBatchSize: 2, runners: 3, run: slow });
  await queue.push('t', Array.from({ length: 12 }, (_, i) => entry(queue, { query: i })));
  await until(() => answers.length === 12);
  expect(most).toBeGreaterThan(1);
  expect(most).toBeLessThanOrEqual(3);
});

test('a failing batch answers each of its queries with the error; expired queries are not predicted', async () => {
  const seen: QueueEntry[] = [];
  const { answers } = start({
    maxBatchSize: 8,
    run: async (entries) => {
      seen.push(...entries);
      throw new Error('the model broke');
    },
  });
  await queue.push('t', [entry(queue, { query: 'stale' }, -1), entry(queue, { query: 1 }), entry(queue, { query: 2 })]);
  await until(() => answers.length === 2);
  expect(seen.map((e) => e.payload)).toEqual([{ query: 1 }, { query: 2 }]);
  expect(answers.map((a) => a.error)).toEqual([{ status: 500, message: 'the model broke' }, { status: 500, message: 'the model broke' }]);
});
