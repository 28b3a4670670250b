/**
 * What the Redis Streams queue needs of Redis, one method per step of a query's
 * life, so that the queue's rules (redis-streams.ts) are written once and the
 * way of reaching Redis is chosen by configuration: a TCP connection
 * (redis-tcp-store.ts) or Upstash's REST protocol over HTTPS for runtimes
 * without TCP (upstash-store.ts).
 *
 * Every implementation:
 * - sends each method's commands in one round trip where the protocol allows;
 * - waits (`waitMs`) by blocking where Redis can, by short polls otherwise;
 * - throws QueueUnavailableError at once while Redis cannot be reached, and
 *   NoGroupError from `read` when the consumer group is gone (a Redis restarted empty).
 */
export interface StreamStore {
  /** Appends each value to the stream, trimmed to about `maxLength` records. */
  append(stream: string, values: string[], maxLength: number): Promise<void>;
  /** Creates the consumer group, and the stream, unless the group exists. */
  ensureGroup(stream: string, group: string): Promise<void>;
  /** Records never delivered to the group, now `consumer`'s; waits up to `waitMs` (0: not at all) for one. */
  read(stream: string, group: string, consumer: string, count: number, waitMs: number): Promise<StreamRecord[]>;
  /** Records pending longer than `minIdleMs` at any consumer, now `consumer`'s. */
  claim(stream: string, group: string, consumer: string, minIdleMs: number, count: number): Promise<StreamRecord[]>;
  /** Ends records (acknowledged and deleted) and delivers replies, each appended to its list, which expires `ttlMs` after. */
  finish(stream: string, group: string, ids: string[], replies: { list: string; value: string }[], ttlMs: number): Promise<void>;
  /** The oldest value of a list, removed; waits up to `waitMs` for one, else null. */
  pop(list: string, waitMs: number): Promise<string | null>;
  leaveGroup(stream: string, group: string, consumer: string): Promise<void>;
  /** Whether Redis answered lately: false turns new requests away at once. */
  available(): boolean;
  close(): void;
}

/** One stream record: its id in the stream and the value appended. */
export interface StreamRecord {
  id: string;
  value: string;
}

export class NoGroupError extends Error {
  override readonly name = 'NoGroupError';
}

/** Records as Redis lists them (`[id, [field, value, …]]`; a deleted one's fields are null), with the value of the one field we write. */
export function recordsOf(raw: unknown): StreamRecord[] {
  if (!Array.isArray(raw)) return [];
  return (raw as [string, unknown][])
    .filter((record) => Array.isArray(record[1]))
    .map(([id, fields]) => ({ id, value: String((fields as unknown[])[1] ?? '{}') }));
}

/** The field each record's value is stored under. */
export const FIELD = 'e';
