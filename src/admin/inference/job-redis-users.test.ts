/** A job's Redis user, on a real Redis (REDIS_URL): its own keys and the queue's commands, nothing else, and gone once revoked. */
import { afterAll, describe, expect, test } from 'bun:test';
import { RedisClient } from 'bun';
import { jsonLogger } from '../../common/log.ts';
import { JobRedisUsers } from './job-redis-users.ts';

const REDIS_URL = process.env.REDIS_URL;
const refusal = (promise: Promise<unknown>) => promise.then(() => 'allowed', (error: Error) => error.message);

/** PING with these credentials, on a connection of its own: PONG, or why not. */
async function ping(url: string): Promise<string> {
  const client = new RedisClient(url, { autoReconnect: false });
  try {
    return await client.send('PING', []).then(String, (error: Error) => error.message);
  } finally {
    client.close();
  }
}

describe.skipIf(!REDIS_URL)('JobRedisUsers', () => {
  const lines: string[] = [];
  const users = new JobRedisUsers(REDIS_URL!, jsonLogger({ write: (line) => void lines.push(line) }));
  const jobId = crypto.randomUUID();
  const other = crypto.randomUUID();
  const admin = new RedisClient(REDIS_URL!);
  afterAll(async () => {
    await users.revoke(jobId);
    await admin.send('DEL', [`rafiki:${jobId}:q:t`, `rafiki:${jobId}:r:o`]);
    admin.close();
  });

  test("the job's user runs the queue's commands on its own keys, and nothing of another job's or the server's", async () => {
    const url = await users.grant(jobId);
    expect(new URL(url).username).toBe(`rafiki-job-${jobId}`);
    const job = new RedisClient(url);
    try {
      await job.send('XADD', [`rafiki:${jobId}:q:t`, '*', 'e', '{}']);
      await job.send('XGROUP', ['CREATE', `rafiki:${jobId}:q:t`, 'batchers', '0', 'MKSTREAM']);
      expect(await job.send('XREADGROUP', ['GROUP', 'batchers', 'c', 'COUNT', '1', 'STREAMS', `rafiki:${jobId}:q:t`, '>'])).toBeTruthy();
      await job.send('RPUSH', [`rafiki:${jobId}:r:o`, 'answer']);
      await job.send('PEXPIRE', [`rafiki:${jobId}:r:o`, '60000']);
      expect(await job.send('BLPOP', [`rafiki:${jobId}:r:o`, '1'])).toEqual([`rafiki:${jobId}:r:o`, 'answer']);

      expect(await refusal(job.send('XADD', [`rafiki:${other}:q:t`, '*', 'e', '{}']))).toStartWith('NOPERM');
      expect(await refusal(job.send('BLPOP', [`rafiki:${other}:r:o`, '1']))).toStartWith('NOPERM');
      for (const [command, args] of [['KEYS', ['*']], ['FLUSHALL', []], ['CONFIG', ['GET', '*']], ['ACL', ['LIST']]] as const) {
        expect(await refusal(job.send(command, [...args]))).toStartWith('NOPERM');
      }
    } finally {
      job.close();
    }
  });

  test('revoked, its credentials no longer let anyone in; granted again, the old password is no good', async () => {
    const first = await users.grant(jobId);
    const second = await users.grant(jobId);
    expect(await ping(first)).toMatch(/WRONGPASS|invalid/i);
    expect(await ping(second)).toBe('PONG');
    await users.revoke(jobId);
    expect(await ping(second)).toMatch(/WRONGPASS|invalid/i);
  });

  test("where users cannot be made (here, by a user without ACL rights), the Admin's address is given, with one warning", async () => {
    const limited = new JobRedisUsers(await users.grant(other), jsonLogger({ write: (line) => void lines.push(line) }));
    const url = await limited.grant(jobId);
    expect(new URL(url).username).toBe(`rafiki-job-${other}`);
    await limited.grant(jobId);
    expect(lines.filter((line) => line.includes('did not make a user'))).toHaveLength(1);
    await users.revoke(other);
  });

  test("Upstash's REST address is given as it is", async () => {
    expect(await new JobRedisUsers('https://example.upstash.io', jsonLogger()).grant(jobId)).toBe('https://example.upstash.io');
  });
});
