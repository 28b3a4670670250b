// The queue suite on Redis Streams (REDIS_URL; CI must set it), through each way
// of reaching Redis: TCP, and Upstash's REST protocol (through a gateway that
// speaks it in front of the same Redis). Then what only a shared queue does:
// frontends sharing work, answers routed to their origin, and the entries of a
// consumer that died claimed by another.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { startUpstashGateway, type UpstashGateway } from '../../../test/support/upstash-gateway.ts';
import type { QueryAnswer } from './queue.ts';
import { deleteKeys, entry, queueSuite } from './queue-suite.ts';
import { RedisStreamsQueue } from './redis-streams.ts';
import { RedisTcpStore } from './redis-tcp-store.ts';
import type { StreamStore } from './stream-store.ts';
import { UpstashStore } from './upstash-store.ts';

setDefaultTimeout(30_000);

const url = process.env.REDIS_URL;
if (!url && process.env.CI) throw new Error('REDIS_URL must be set in CI: the Redis Streams queue is tested against a real Redis');

function streamsSuite(redisUrl: string, store: () => StreamStore): void {
  queueSuite(() => {
    const prefix = `rafiki-test:${crypto.randomUUID()}`;
    return { make: () => new RedisStreamsQueue({ store: store(), prefix }), cleanup: () => deleteKeys(redisUrl, prefix) };
  });

  const prefix = `rafiki-test:${crypto.randomUUID()}`;
  const queue = (origin: string) => new RedisStreamsQueue({ store: store(), prefix, origin });
  afterAll(() => deleteKeys(redisUrl, prefix));

  test('one frontend takes what another pushed, and the answer goes back to the one that pushed it', async () => {
    const a = queue('a');
    const b = queue('b');
    try {
      const toA: QueryAnswer[] = [];
      const toB: QueryAnswer[] = [];
      a.onAnswers((answers) => toA.push(...answers));
      b.onAnswers((answers) => toB.push(...answers));
      const pushed = entry(a, { query: 'from a' });
      await a.push('shared', [pushed]);
      const taken = await b.take('shared', 10, 1000);
      expect(taken.map((e) => [e.id, e.origin])).toEqual([[pushed.id, 'a']]);
      await b.reply('shared', taken, [{ id: pushed.id, trialId: 'shared', prediction: 7 }]);
      for (let i = 0; i < 200 && toA.length === 0; i++) await Bun.sleep(10);
      expect(toA).toEqual([{ id: pushed.id, trialId: 'shared', prediction: 7 }]);
      expect(toB).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('entries a dead consumer took are claimed by a live one; expired ones are dropped', async () => {
    const dead = queue('dead');
    const live = queue('live');
    try {
      const kept = entry(dead, { query: 'kept' });
      const expired = entry(dead, { query: 'expired' }, 1500);
      await dead.push('claims', [kept, expired]);
      // Taken and never answered: as if its frontend had died.
      expect(await dead.take('claims', 10, 1000)).toHaveLength(2);
      let claimed: string[] = [];
      for (let i = 0; i < 100 && claimed.length === 0; i++) {
        claimed = (await live.take('claims', 10, 200)).map((e) => e.id);
        await Bun.sleep(100);
      }
      expect(claimed).toEqual([kept.id]);
    } finally {
      await Promise.all([dead.close(), live.close()]);
    }
  });
}

if (url) {
  describe('Redis Streams over TCP', () => streamsSuite(url, () => new RedisTcpStore(url)));

  describe("Redis Streams over Upstash's REST protocol", () => {
    let gateway: UpstashGateway;
    beforeAll(async () => {
      gateway = await startUpstashGateway(url);
    });
    afterAll(() => gateway.close());
    streamsSuite(url, () => new UpstashStore(gateway.url, gateway.token));

    test("a batch's commands go in one request: a push of many entries, and a reply to many origins", async () => {
      const prefix = `rafiki-test:${crypto.randomUUID()}`;
      const queues = ['a', 'b', 'c'].map((origin) => new RedisStreamsQueue({ store: new UpstashStore(gateway.url, gateway.token), prefix, origin }));
      try {
        const pipelines = () => gateway.requests['/pipeline'] ?? 0;
        const before = pipelines();
        const entries = queues.map((q) => entry(q, { query: q.origin }));
        await queues[0]!.push('batch', entries);
        expect(pipelines() - before).toBe(1);
        const taken = await queues[0]!.take('batch', 10, 1000);
        expect(taken).toHaveLength(3);
        const sent = pipelines();
        await queues[0]!.reply('batch', taken, taken.map((e) => ({ id: e.id, trialId: 'batch', prediction: 1 })));
        expect(pipelines() - sent).toBe(1);
      } finally {
        await Promise.all(queues.map((q) => q.close()));
        await deleteKeys(url, prefix);
      }
    });

    test('a wrong token makes the queue unavailable, and says so', async () => {
      const queue = new RedisStreamsQueue({ store: new UpstashStore(gateway.url, 'not-the-token'), prefix: `rafiki-test:${crypto.randomUUID()}` });
      try {
        const error = await queue.push('t', [entry(queue, { query: 1 })]).then(() => null, (e: Error) => e);
        expect([error?.name, error?.message]).toEqual(['QueueUnavailableError', 'Redis (Upstash REST) refused the token: check REDIS_TOKEN']);
        expect(queue.available()).toBe(false);
      } finally {
        await queue.close();
      }
    });

    test('a server that cannot be reached makes the queue unavailable at once, not a wait', async () => {
      const queue = new RedisStreamsQueue({ store: new UpstashStore('http://127.0.0.1:9', gateway.token), prefix: `rafiki-test:${crypto.randomUUID()}` });
      try {
        const error = await queue.push('t', [entry(queue, { query: 1 })]).then(() => null, (e: Error) => e);
        expect(error?.name).toBe('QueueUnavailableError');
        expect(queue.available()).toBe(false);
      } finally {
        await queue.close();
      }
    });
  });
}
