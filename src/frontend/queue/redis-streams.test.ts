// The queue suite on Redis Streams (REDIS_URL; CI must set it), and what only a
// shared queue does: frontends sharing work, answers routed to their origin, and
// the entries of a consumer that died claimed by another.
import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { QueryAnswer } from './queue.ts';
import { deleteKeys, entry, queueSuite } from './queue-suite.ts';
import { RedisStreamsQueue } from './redis-streams.ts';

setDefaultTimeout(30_000);

const url = process.env.REDIS_URL;
if (!url && process.env.CI) throw new Error('REDIS_URL must be set in CI: the Redis Streams queue is tested against a real Redis');

if (url) {
  describe('Redis Streams', () => {
    queueSuite(() => {
      const prefix = `rafiki-test:${crypto.randomUUID()}`;
      return { make: () => new RedisStreamsQueue({ url, prefix }), cleanup: () => deleteKeys(url, prefix) };
    });

    const prefix = `rafiki-test:${crypto.randomUUID()}`;
    afterAll(() => deleteKeys(url, prefix));

    test('one frontend takes what another pushed, and the answer goes back to the one that pushed it', async () => {
      const a = new RedisStreamsQueue({ url, prefix, origin: 'a' });
      const b = new RedisStreamsQueue({ url, prefix, origin: 'b' });
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
      const dead = new RedisStreamsQueue({ url, prefix, origin: 'dead' });
      const live = new RedisStreamsQueue({ url, prefix, origin: 'live' });
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
  });
}
