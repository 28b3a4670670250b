/**
 * The cost of one batch through each way a frontend's queue can run (issue 16):
 * a frontend pushes a batch of queries, a batcher takes it, replies, and the
 * answers reach the frontend. The in-process queue is the floor; Redis Streams
 * over TCP is what several frontends of one job share; Upstash's REST protocol
 * (through test/support/upstash-gateway.ts in front of the same Redis, so the
 * figure includes that gateway's own HTTP hop) is for runtimes without TCP.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 bun scripts/bench/queue-transport.ts [--rounds 15] [--batches 200] [--size 16]
 *
 * Medians over rounds; each round is `batches` batches of `size` queries, one after another.
 */
import { parseArgs } from 'node:util';
import { RedisClient } from 'bun';
import { startUpstashGateway } from '../../test/support/upstash-gateway.ts';
import { MemoryQueue } from '../../src/frontend/queue/memory.ts';
import { deleteKeys } from '../../src/frontend/queue/queue-suite.ts';
import type { QueryAnswer, QueryQueue, QueueEntry } from '../../src/frontend/queue/queue.ts';
import { RedisStreamsQueue } from '../../src/frontend/queue/redis-streams.ts';
import { RedisTcpStore } from '../../src/frontend/queue/redis-tcp-store.ts';
import { UpstashStore } from '../../src/frontend/queue/upstash-store.ts';

const { values: args } = parseArgs({ options: {
  rounds: { type: 'string', default: '15' }, batches: { type: 'string', default: '200' }, size: { type: 'string', default: '16' },
} });
const ROUNDS = Number(args.rounds);
const BATCHES = Number(args.batches);
const SIZE = Number(args.size);
const url = process.env.REDIS_URL;
if (!url) throw new Error('set REDIS_URL (a Redis over TCP; the Upstash gateway is started in front of it)');
await new RedisClient(url).connect();

let sequence = 0;
/** Milliseconds per batch over one round: push, take, reply, answers received. */
async function round(queue: QueryQueue): Promise<number> {
  const waiting = new Map<string, () => void>();
  queue.onAnswers((answers: QueryAnswer[]) => {
    for (const answer of answers) waiting.get(answer.id)?.();
  });
  const started = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const now = Date.now();
    const entries: QueueEntry[] = Array.from({ length: SIZE }, (_, i) => ({
      id: `r${++sequence}:${i}`, origin: queue.origin, deadline: now + 30_000, enqueuedAt: now,
      payload: { row: new Float32Array([5.1, 3.5, 1.4, 0.2]) },
    }));
    const answered = Promise.all(entries.map((entry) => new Promise<void>((resolve) => waiting.set(entry.id, resolve))));
    await queue.push('trial', entries);
    const taken: QueueEntry[] = [];
    while (taken.length < SIZE) taken.push(...await queue.take('trial', SIZE - taken.length, 100));
    await queue.reply('trial', taken, taken.map((entry) => ({ id: entry.id, trialId: 'trial', prediction: [0.9, 0.05, 0.05] })));
    await answered;
  }
  return (performance.now() - started) / BATCHES;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const gateway = await startUpstashGateway(url);
const prefix = `rafiki-bench:${crypto.randomUUID()}`;
const transports: [string, () => QueryQueue][] = [
  ['in-process', () => new MemoryQueue()],
  ['Redis Streams, TCP', () => new RedisStreamsQueue({ store: new RedisTcpStore(url), prefix })],
  ['Redis Streams, Upstash REST', () => new RedisStreamsQueue({ store: new UpstashStore(gateway.url, gateway.token), prefix })],
];
const times = new Map<string, number[]>(transports.map(([name]) => [name, []]));
try {
  // Rounds interleave the transports, so that the machine's noise falls on all of them alike.
  for (let r = 0; r < ROUNDS + 1; r++) {
    for (const [name, make] of transports) {
      const queue = make();
      const ms = await round(queue);
      await queue.close();
      if (r > 0) times.get(name)!.push(ms);
    }
  }
} finally {
  await gateway.close();
  await deleteKeys(url, prefix);
}
const floor = median(times.get('in-process')!);
console.log(`${ROUNDS} rounds of ${BATCHES} batches of ${SIZE} queries; median ms per batch (push, take, reply, answers back):`);
for (const [name] of transports) {
  const ms = median(times.get(name)!);
  console.log(`  ${name.padEnd(28)} ${ms.toFixed(3)} ms  (${(ms / floor).toFixed(1)}× in-process, +${(ms - floor).toFixed(3)} ms)`);
}
process.exit(0);
