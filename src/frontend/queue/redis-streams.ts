import { RedisConnection } from './redis-connection.ts';
import { QueueUnavailableError, type QueryAnswer, type QueryQueue, type QueueEntry } from './queue.ts';

const GROUP = 'batchers';
/** An entry pending this long at one consumer is taken to be a dead consumer's, and claimed. */
const CLAIM_IDLE_MS = 3000;
const CLAIM_EVERY_MS = 1000;
/** Blocking reads wait at most this long, so that closing never waits long. */
const MAX_BLOCK_MS = 500;
const REPLY_TTL_MS = 60_000;
const STREAM_MAX_LEN = 100_000;

export interface RedisStreamsOptions {
  url: string;
  /** Key prefix of one inference job, shared by all its frontends: `rafiki:<jobId>`. */
  prefix: string;
  /** This frontend's name; a random one by default. */
  origin?: string;
}

/** An entry in its stream: the row as base64 of its FP32 bytes (`r`) or, when every value is a byte (pixels), of those bytes (`b`). */
interface Wire { id: string; origin: string; deadline: number; enqueuedAt: number; q?: unknown; r?: string; b?: string }

/**
 * The queue on Redis Streams (docs/design.md §2): a stream per trial
 * (`<prefix>:q:<trialId>`) read by one consumer group that all the job's
 * frontends join, so they share the work; `XREADGROUP … COUNT … BLOCK` takes a
 * batch, `XACK` and `XDEL` end the entries once answered, and `XAUTOCLAIM` gives
 * the entries of a consumer that died to a live one. Answers go to a list per
 * origin (`<prefix>:r:<origin>`) that the origin pops. While Redis is away,
 * `push` fails at once; the connections come back by themselves.
 *
 * @example
 * const queue = new RedisStreamsQueue({ url: 'redis://127.0.0.1:6379', prefix: 'rafiki:job-1' });
 * queue.onAnswers((answers) => …);
 * await queue.push('trial-1', [entry]);
 */
export class RedisStreamsQueue implements QueryQueue {
  readonly origin: string;
  private readonly main: RedisConnection;
  private readonly answers: RedisConnection;
  private readonly idle: RedisConnection[] = [];
  private readonly open = new Set<RedisConnection>();
  private readonly groups = new Set<string>();
  private readonly streamIds = new WeakMap<QueueEntry, string>();
  private readonly lastClaim = new Map<string, number>();
  private closed = false;
  private answerLoop: Promise<void> | null = null;

  constructor(private readonly options: RedisStreamsOptions) {
    this.origin = options.origin ?? crypto.randomUUID().slice(0, 12);
    this.main = this.connection();
    this.answers = this.connection();
  }

  async push(trialId: string, entries: QueueEntry[]): Promise<void> {
    const key = this.stream(trialId);
    await Promise.all(entries.map((entry) => this.main.send('XADD', [key, 'MAXLEN', '~', String(STREAM_MAX_LEN), '*', 'e', JSON.stringify(toWire(entry))])));
  }

  async take(trialId: string, max: number, waitMs: number): Promise<QueueEntry[]> {
    const redis = this.idle.pop() ?? this.connection();
    try {
      const key = this.stream(trialId);
      await this.ensureGroup(redis, key);
      const claimed = await this.claim(redis, key, trialId, max);
      if (claimed.length > 0) return await this.live(redis, key, claimed);
      const block = waitMs > 0 ? ['BLOCK', String(Math.min(waitMs, MAX_BLOCK_MS))] : [];
      let reply: unknown;
      try {
        reply = await redis.send('XREADGROUP', ['GROUP', GROUP, this.origin, 'COUNT', String(max), ...block, 'STREAMS', key, '>'], { blockMs: MAX_BLOCK_MS });
      } catch (err) {
        // Redis came back empty (restarted without persistence): the group is gone.
        if (!String(err).includes('NOGROUP')) throw err;
        this.groups.delete(key);
        return [];
      }
      const records = reply === null ? [] : ((reply as Record<string, [string, string[]][]>)[key] ?? []);
      return await this.live(redis, key, records);
    } finally {
      if (this.closed) redis.close();
      else this.idle.push(redis);
    }
  }

  async reply(trialId: string, taken: QueueEntry[], answers: QueryAnswer[]): Promise<void> {
    const key = this.stream(trialId);
    const origins = new Map(taken.map((entry) => [entry.id, entry.origin]));
    const byOrigin = new Map<string, QueryAnswer[]>();
    for (const answer of answers) {
      const origin = origins.get(answer.id);
      if (origin === undefined) continue;
      byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), answer]);
    }
    const ids = taken.map((entry) => this.streamIds.get(entry)).filter((id): id is string => id !== undefined);
    await Promise.all([
      ...[...byOrigin].flatMap(([origin, list]) => [
        this.main.send('RPUSH', [this.replies(origin), JSON.stringify(list)]),
        this.main.send('PEXPIRE', [this.replies(origin), String(REPLY_TTL_MS)]),
      ]),
      ...(ids.length > 0 ? [this.main.send('XACK', [key, GROUP, ...ids]), this.main.send('XDEL', [key, ...ids])] : []),
    ]);
  }

  onAnswers(listener: (answers: QueryAnswer[]) => void): void {
    this.answerLoop ??= this.popAnswers(listener);
  }

  available(): boolean {
    return !this.closed && (this.answers.connected || this.main.connected);
  }

  /** Call once nothing taken is left unanswered: this consumer then leaves the group. */
  async close(): Promise<void> {
    this.closed = true;
    await this.answerLoop;
    await Promise.all([...this.groups].map((key) => this.main.send('XGROUP', ['DELCONSUMER', key, GROUP, this.origin]).catch(() => {})));
    for (const redis of this.open) redis.close();
  }

  private async popAnswers(listener: (answers: QueryAnswer[]) => void): Promise<void> {
    const key = this.replies(this.origin);
    while (!this.closed) {
      try {
        const popped = await this.answers.send('BLPOP', [key, String(MAX_BLOCK_MS / 1000)], { blockMs: MAX_BLOCK_MS });
        if (Array.isArray(popped)) listener(JSON.parse(String(popped[1])) as QueryAnswer[]);
      } catch {
        await Bun.sleep(100);
      }
    }
  }

  private async ensureGroup(redis: RedisConnection, key: string): Promise<void> {
    if (this.groups.has(key)) return;
    try {
      await redis.send('XGROUP', ['CREATE', key, GROUP, '0', 'MKSTREAM']);
    } catch (err) {
      if (!String(err).includes('BUSYGROUP')) throw err;
    }
    this.groups.add(key);
  }

  /** Now and then, the entries another consumer took long ago and never answered. */
  private async claim(redis: RedisConnection, key: string, trialId: string, max: number): Promise<[string, string[]][]> {
    const now = Date.now();
    if (now - (this.lastClaim.get(trialId) ?? 0) < CLAIM_EVERY_MS) return [];
    this.lastClaim.set(trialId, now);
    const reply = await redis.send('XAUTOCLAIM', [key, GROUP, this.origin, String(CLAIM_IDLE_MS), '0-0', 'COUNT', String(max)]);
    return ((reply as [string, [string, string[]][]])[1] ?? []).filter((record) => Array.isArray(record[1]));
  }

  /** Decodes records; those whose deadline has passed are nobody's concern any more, so they end here. */
  private async live(redis: RedisConnection, key: string, records: [string, string[]][]): Promise<QueueEntry[]> {
    const now = Date.now();
    const entries: QueueEntry[] = [];
    const expired: string[] = [];
    for (const [streamId, fields] of records) {
      const entry = fromWire(JSON.parse(fields[1] ?? '{}') as Wire);
      if (entry.deadline < now) {
        expired.push(streamId);
        continue;
      }
      this.streamIds.set(entry, streamId);
      entries.push(entry);
    }
    if (expired.length > 0) await Promise.all([redis.send('XACK', [key, GROUP, ...expired]), redis.send('XDEL', [key, ...expired])]);
    return entries;
  }

  private connection(): RedisConnection {
    if (this.closed) throw new QueueUnavailableError('the queue is closed');
    const redis = new RedisConnection(this.options.url);
    this.open.add(redis);
    return redis;
  }

  private stream(trialId: string): string {
    return `${this.options.prefix}:q:${trialId}`;
  }

  private replies(origin: string): string {
    return `${this.options.prefix}:r:${origin}`;
  }
}

function toWire(entry: QueueEntry): Wire {
  const { payload, ...rest } = entry;
  if ('query' in payload) return { ...rest, q: payload.query };
  const { row } = payload;
  const bytes = asBytes(row);
  if (bytes) return { ...rest, b: bytes.toString('base64') };
  return { ...rest, r: Buffer.from(row.buffer, row.byteOffset, row.byteLength).toString('base64') };
}

/** The row as bytes when every value is an integer 0–255 (pixels), else null. Loops, not `every`/`from`: this runs per query. */
function asBytes(row: Float32Array): Buffer | null {
  const bytes = Buffer.allocUnsafe(row.length);
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (!(v >= 0 && v <= 255) || v !== Math.floor(v)) return null;
    bytes[i] = v;
  }
  return bytes;
}

function fromWire(wire: Wire): QueueEntry {
  const { q, r, b, ...rest } = wire;
  if (b !== undefined) return { ...rest, payload: { row: new Float32Array(Buffer.from(b, 'base64')) } };
  if (r === undefined) return { ...rest, payload: { query: q } };
  const bytes = Buffer.from(r, 'base64');
  const row = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(row.buffer).set(bytes);
  return { ...rest, payload: { row } };
}
