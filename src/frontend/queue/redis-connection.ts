import { RedisClient } from 'bun';
import { QueueUnavailableError } from './queue.ts';

/** How often a lost connection is tried again; meanwhile commands fail at once. */
const RECONNECT_EVERY_MS = 250;
/** A command unanswered this long (beyond its own blocking time) means a dead connection. */
const COMMAND_TIMEOUT_MS = 2000;

/**
 * One Redis connection that fails fast while Redis is away and comes back by
 * itself: Bun's client gives up after its retries and queues commands while
 * offline, so this one keeps no offline queue and makes a new client, at most
 * every 250 ms, once the old one is closed. A command that gets no answer in
 * time closes its client too: a half-open connection otherwise leaves callers
 * waiting for ever. Blocking reads (BLOCK, BLPOP) need a connection of their own.
 *
 * @example
 * const redis = new RedisConnection('redis://127.0.0.1:6379');
 * await redis.send('XADD', ['stream', '*', 'm', 'hello']);
 */
export class RedisConnection {
  private client: RedisClient | null = null;
  private connecting: Promise<RedisClient> | null = null;
  private lastAttempt = 0;
  private closed = false;

  constructor(private readonly url: string) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Runs one command; throws QueueUnavailableError when Redis cannot be reached. `blockMs`: how long the command itself may block. */
  async send(command: string, args: string[], { blockMs = 0 } = {}): Promise<unknown> {
    const client = await this.ready();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        client.close();
        reject(new QueueUnavailableError(`Redis did not answer ${command} within ${blockMs + COMMAND_TIMEOUT_MS} ms`));
      }, blockMs + COMMAND_TIMEOUT_MS);
    });
    try {
      return await Promise.race([client.send(command, args), timeout]);
    } catch (err) {
      if (err instanceof QueueUnavailableError) throw err;
      if (!client.connected) throw new QueueUnavailableError(`Redis is unreachable: ${(err as Error).message}`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.closed = true;
    this.client?.close();
  }

  private async ready(): Promise<RedisClient> {
    if (this.closed) throw new QueueUnavailableError('the queue is closed');
    if (this.client?.connected) return this.client;
    if (this.connecting) return this.connecting;
    const wait = this.lastAttempt + RECONNECT_EVERY_MS - Date.now();
    if (wait > 0) throw new QueueUnavailableError('Redis is unreachable; trying again shortly');
    this.lastAttempt = Date.now();
    this.client?.close();
    const client = new RedisClient(this.url, { autoReconnect: false, enableOfflineQueue: false, connectionTimeout: 1000 });
    this.client = client;
    this.connecting = withTimeout(client.connect(), COMMAND_TIMEOUT_MS).then(
      () => client,
      (err: Error) => {
        throw new QueueUnavailableError(`Redis is unreachable: ${err.message}`);
      },
    ).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no connection within ${ms} ms`)), ms);
  })]).finally(() => clearTimeout(timer));
}
