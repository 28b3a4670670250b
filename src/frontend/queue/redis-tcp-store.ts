import { RedisConnection } from './redis-connection.ts';
import { QueueUnavailableError } from './queue.ts';
import { FIELD, NoGroupError, recordsOf, type StreamRecord, type StreamStore } from './stream-store.ts';

/** Blocking reads wait at most this long, so that closing never waits long. */
const MAX_BLOCK_MS = 500;

/**
 * The stream store over TCP (`redis://`, `rediss://`) with Bun's client: reads
 * block in Redis (`XREADGROUP … BLOCK`, `BLPOP`), each on a connection of its
 * own since a blocked connection answers nothing else; the rest share one
 * connection, on which Bun pipelines the commands sent together.
 */
export class RedisTcpStore implements StreamStore {
  private readonly main: RedisConnection;
  private readonly idle: RedisConnection[] = [];
  private readonly open = new Set<RedisConnection>();
  private readonly popper: RedisConnection;
  private closed = false;

  constructor(private readonly url: string) {
    this.main = this.connection();
    this.popper = this.connection();
  }

  async append(stream: string, values: string[], maxLength: number): Promise<void> {
    await Promise.all(values.map((value) => this.main.send('XADD', [stream, 'MAXLEN', '~', String(maxLength), '*', FIELD, value])));
  }

  async ensureGroup(stream: string, group: string): Promise<void> {
    try {
      await this.main.send('XGROUP', ['CREATE', stream, group, '0', 'MKSTREAM']);
    } catch (err) {
      if (!String(err).includes('BUSYGROUP')) throw err;
    }
  }

  async read(stream: string, group: string, consumer: string, count: number, waitMs: number): Promise<StreamRecord[]> {
    const redis = this.idle.pop() ?? this.connection();
    try {
      const block = waitMs > 0 ? ['BLOCK', String(Math.min(waitMs, MAX_BLOCK_MS))] : [];
      const reply = await redis.send('XREADGROUP', ['GROUP', group, consumer, 'COUNT', String(count), ...block, 'STREAMS', stream, '>'], { blockMs: MAX_BLOCK_MS });
      return reply === null ? [] : recordsOf((reply as Record<string, unknown>)[stream]);
    } catch (err) {
      if (String(err).includes('NOGROUP')) throw new NoGroupError(String(err));
      throw err;
    } finally {
      if (this.closed) redis.close();
      else this.idle.push(redis);
    }
  }

  async claim(stream: string, group: string, consumer: string, minIdleMs: number, count: number): Promise<StreamRecord[]> {
    const reply = await this.main.send('XAUTOCLAIM', [stream, group, consumer, String(minIdleMs), '0-0', 'COUNT', String(count)]);
    return recordsOf((reply as unknown[])[1]);
  }

  async finish(stream: string, group: string, ids: string[], replies: { list: string; value: string }[], ttlMs: number): Promise<void> {
    await Promise.all([
      ...replies.flatMap(({ list, value }) => [this.main.send('RPUSH', [list, value]), this.main.send('PEXPIRE', [list, String(ttlMs)])]),
      ...(ids.length > 0 ? [this.main.send('XACK', [stream, group, ...ids]), this.main.send('XDEL', [stream, ...ids])] : []),
    ]);
  }

  async pop(list: string, waitMs: number): Promise<string | null> {
    const seconds = Math.min(waitMs, MAX_BLOCK_MS) / 1000;
    const popped = await this.popper.send('BLPOP', [list, String(seconds)], { blockMs: MAX_BLOCK_MS });
    return Array.isArray(popped) ? String(popped[1]) : null;
  }

  async leaveGroup(stream: string, group: string, consumer: string): Promise<void> {
    await this.main.send('XGROUP', ['DELCONSUMER', stream, group, consumer]);
  }

  available(): boolean {
    return !this.closed && (this.main.connected || this.popper.connected);
  }

  close(): void {
    this.closed = true;
    for (const redis of this.open) redis.close();
  }

  private connection(): RedisConnection {
    if (this.closed) throw new QueueUnavailableError('the queue is closed');
    const redis = new RedisConnection(this.url);
    this.open.add(redis);
    return redis;
  }
}
