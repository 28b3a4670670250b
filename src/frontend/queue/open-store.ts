import { RedisStreamsQueue } from './redis-streams.ts';
import { RedisTcpStore } from './redis-tcp-store.ts';
import type { StreamStore } from './stream-store.ts';
import { UpstashStore } from './upstash-store.ts';

/** The stream store for a Redis address: Upstash's REST protocol for `http(s)://` (with its token), TCP otherwise. */
export function openStreamStore(url: string, token: string | undefined): StreamStore {
  if (/^https?:/.test(url)) {
    if (!token) throw new Error('a Redis REST URL needs its token (REDIS_TOKEN)');
    return new UpstashStore(url, token);
  }
  return new RedisTcpStore(url);
}

/** The Redis streams one inference job's frontends and queue workers share. */
export function jobStreams(jobId: string, url: string, token: string | undefined): RedisStreamsQueue {
  return new RedisStreamsQueue({ store: openStreamStore(url, token), prefix: `rafiki:${jobId}` });
}
