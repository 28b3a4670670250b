import { QueueUnavailableError, type QueryAnswer, type QueryQueue, type QueueEntry } from './queue.ts';
import { NoGroupError, type StreamRecord, type StreamStore } from './stream-store.ts';

const GROUP = 'batchers';
/** An entry pending this long at one consumer is taken to be a dead consumer's, and claimed. */
const CLAIM_IDLE_MS = 3000;
const CLAIM_EVERY_MS = 1000;
/** How long one wait for answers lasts, so that closing never waits long. */
const ANSWER_WAIT_MS = 500;
const REPLY_TTL_MS = 60_000;
const STREAM_MAX_LEN = 100_000;

export interface RedisStreamsOptions {
  /** How this frontend reaches Redis: over TCP, or Upstash's REST protocol. */
  store: StreamStore;
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
 * frontends join, so they share the work; a read takes a batch, answered
 * entries are acknowledged and deleted, and the entries of a consumer that died
 * are claimed by a live one. Answers go to a list per origin
 * (`<prefix>:r:<origin>`) that the origin pops. While Redis is away, `push`
 * fails at once; the connections come back by themselves.
 *
 * @example
 * const queue = new RedisStreamsQueue({ store: new RedisTcpStore('redis://127.0.0.1:6379'), prefix: 'rafiki:job-1' });
 * queue.onAnswers((answers) => …);
 * await queue.push('trial-1', [entry]);
 */
export class RedisStreamsQueue implements QueryQueue {
  readonly origin: string;
  private readonly store: StreamStore;
  private readonly groups = new Set<string>();
  private readonly streamIds = new WeakMap<QueueEntry, string>();
  private readonly lastClaim = new Map<string, number>();
  private closed = false;
  private answerLoop: Promise<void> | null = null;

  constructor(private readonly options: RedisStreamsOptions) {
    this.origin = options.origin ?? crypto.randomUUID().slice(0, 12);
    this.store = options.store;
  }

  async push(trialId: string, entries: QueueEntry[]): Promise<void> {
    if (this.closed) throw new QueueUnavailableError('the queue is closed');
    await this.store.append(this.stream(trialId), entries.map((entry) => JSON.stringify(toWire(entry))), STREAM_MAX_LEN);
  }

  async take(trialId: string, max: number, waitMs: number): Promise<QueueEntry[]> {
    if (this.closed) return [];
    const key = this.stream(trialId);
    if (!this.groups.has(key)) {
      await this.store.ensureGroup(key, GROUP);
      this.groups.add(key);
    }
    const claimed = await this.claim(key, trialId, max);
    if (claimed.length > 0) return this.live(key, claimed);
    try {
      return await this.live(key, await this.store.read(key, GROUP, this.origin, max, waitMs));
    } catch (err) {
      if (!(err instanceof NoGroupError)) throw err;
      this.groups.delete(key);
      return [];
    }
  }

  async reply(trialId: string, taken: QueueEntry[], answers: QueryAnswer[]): Promise<void> {
    const origins = new Map(taken.map((entry) => [entry.id, entry.origin]));
    const byOrigin = new Map<string, QueryAnswer[]>();
    for (const answer of answers) {
      const origin = origins.get(answer.id);
      if (origin === undefined) continue;
      byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), answer]);
    }
    const ids = taken.map((entry) => this.streamIds.get(entry)).filter((id): id is string => id !== undefined);
    const replies = [...byOrigin].map(([origin, list]) => ({ list: this.replies(origin), value: JSON.stringify(list) }));
    await this.store.finish(this.stream(trialId), GROUP, ids, replies, REPLY_TTL_MS);
  }

  onAnswers(listener: (answers: QueryAnswer[]) => void): void {
    this.answerLoop ??= this.popAnswers(listener);
  }

  available(): boolean {
    return !this.closed && this.store.available();
  }

  /** Call once nothing taken is left unanswered: this consumer then leaves the group. */
  async close(): Promise<void> {
    this.closed = true;
    await this.answerLoop;
    await Promise.all([...this.groups].map((key) => this.store.leaveGroup(key, GROUP, this.origin).catch(() => {})));
    this.store.close();
  }

  private async popAnswers(listener: (answers: QueryAnswer[]) => void): Promise<void> {
    const key = this.replies(this.origin);
    while (!this.closed) {
      try {
        const popped = await this.store.pop(key, ANSWER_WAIT_MS);
        if (popped !== null) listener(JSON.parse(popped) as QueryAnswer[]);
      } catch {
        await Bun.sleep(100);
      }
    }
  }

  /** Now and then, the entries another consumer took long ago and never answered. */
  private async claim(key: string, trialId: string, max: number): Promise<StreamRecord[]> {
    const now = Date.now();
    if (now - (this.lastClaim.get(trialId) ?? 0) < CLAIM_EVERY_MS) return [];
    this.lastClaim.set(trialId, now);
    return this.store.claim(key, GROUP, this.origin, CLAIM_IDLE_MS, max);
  }

  /** Decodes records; those whose deadline has passed are nobody's concern any more, so they end here. */
  private async live(key: string, records: StreamRecord[]): Promise<QueueEntry[]> {
    const now = Date.now();
    const entries: QueueEntry[] = [];
    const expired: string[] = [];
    for (const record of records) {
      const entry = fromWire(JSON.parse(record.value) as Wire);
      if (entry.deadline < now) {
        expired.push(record.id);
        continue;
      }
      this.streamIds.set(entry, record.id);
      entries.push(entry);
    }
    if (expired.length > 0) await this.store.finish(key, GROUP, expired, [], REPLY_TTL_MS);
    return entries;
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
