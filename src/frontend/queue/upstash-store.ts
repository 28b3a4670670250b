import { Redis } from '@upstash/redis';
import { QueueUnavailableError } from './queue.ts';
import { FIELD, NoGroupError, recordsOf, type StreamRecord, type StreamStore } from './stream-store.ts';

/** Upstash's REST protocol has no blocking reads: a wait is polls this far apart. */
const POLL_MS = 10;
const REQUEST_TIMEOUT_MS = 2000;

/**
 * The stream store over Upstash's REST protocol (`REDIS_URL=https://…` with
 * `REDIS_TOKEN`), with `@upstash/redis`, for frontends where TCP is not
 * available (edge runtimes, serverless): each method's commands go in one
 * pipelined HTTP request, and waits are short polls since the protocol cannot
 * block. Values are kept as the strings written (no JSON decoding by the client).
 */
export class UpstashStore implements StreamStore {
  private readonly redis: Redis;
  private reachable = true;
  private closed = false;

  constructor(url: string, token: string) {
    this.redis = new Redis({
      url, token,
      automaticDeserialization: false,
      // A failed request is reported at once: the queue turns requests away rather than waiting.
      retry: false,
      signal: () => AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      enableTelemetry: false,
    });
  }

  append(stream: string, values: string[], maxLength: number): Promise<void> {
    return this.run(async () => {
      const pipeline = this.redis.pipeline();
      for (const value of values) pipeline.xadd(stream, '*', { [FIELD]: value }, { trim: { type: 'MAXLEN', threshold: maxLength, comparison: '~' } });
      await pipeline.exec();
    });
  }

  ensureGroup(stream: string, group: string): Promise<void> {
    return this.run(async () => {
      try {
        await this.redis.xgroup(stream, { type: 'CREATE', group, id: '0', options: { MKSTREAM: true } });
      } catch (err) {
        if (!String(err).includes('BUSYGROUP')) throw err;
      }
    });
  }

  async read(stream: string, group: string, consumer: string, count: number, waitMs: number): Promise<StreamRecord[]> {
    const until = Date.now() + waitMs;
    for (;;) {
      const reply = await this.run(() => this.redis.xreadgroup(group, consumer, stream, '>', { count })).catch((err: unknown) => {
        if (String(err).includes('NOGROUP')) throw new NoGroupError(String(err));
        throw err;
      });
      // As Redis answers it over RESP2: [[stream, records]], or null when there is nothing.
      const records = Array.isArray(reply) && Array.isArray(reply[0]) ? recordsOf((reply[0] as unknown[])[1]) : [];
      if (records.length > 0 || Date.now() >= until || this.closed) return records;
      await Bun.sleep(POLL_MS);
    }
  }

  claim(stream: string, group: string, consumer: string, minIdleMs: number, count: number): Promise<StreamRecord[]> {
    return this.run(async () => recordsOf(((await this.redis.xautoclaim(stream, group, consumer, minIdleMs, '0-0', { count })) as unknown[])[1]));
  }

  finish(stream: string, group: string, ids: string[], replies: { list: string; value: string }[], ttlMs: number): Promise<void> {
    return this.run(async () => {
      const pipeline = this.redis.pipeline();
      for (const { list, value } of replies) pipeline.rpush(list, value).pexpire(list, ttlMs);
      if (ids.length > 0) pipeline.xack(stream, group, ids).xdel(stream, ids);
      if (pipeline.length() > 0) await pipeline.exec();
    });
  }

  async pop(list: string, waitMs: number): Promise<string | null> {
    const until = Date.now() + waitMs;
    for (;;) {
      const value = await this.run(() => this.redis.lpop<string>(list));
      if (value !== null || Date.now() >= until || this.closed) return value;
      await Bun.sleep(POLL_MS);
    }
  }

  leaveGroup(stream: string, group: string, consumer: string): Promise<void> {
    return this.run(async () => {
      await this.redis.xgroup(stream, { type: 'DELCONSUMER', group, consumer });
    });
  }

  available(): boolean {
    return !this.closed && this.reachable;
  }

  close(): void {
    this.closed = true;
  }

  /**
   * Runs one request. Redis's own errors pass on, without the command the client
   * quotes in them (it holds queries); a server that cannot be reached, or that
   * refuses the token, is QueueUnavailableError.
   */
  private async run<T>(request: () => Promise<T>): Promise<T> {
    if (this.closed) throw new QueueUnavailableError('the queue is closed');
    try {
      const result = await request();
      this.reachable = true;
      return result;
    } catch (err) {
      const message = (err as Error).message.replace(/, command was: [\s\S]*$/, '');
      const refused = message.startsWith('Unauthorized');
      if (err instanceof Error && err.name === 'UpstashError' && !refused) {
        this.reachable = true;
        throw new Error(message);
      }
      this.reachable = false;
      throw new QueueUnavailableError(refused ? 'Redis (Upstash REST) refused the token: check REDIS_TOKEN' : `Redis (Upstash REST) is unreachable: ${message}`);
    }
  }
}
