/**
 * A small server that speaks Upstash's documented REST protocol in front of a
 * real Redis, so that the Upstash stream store is tested against Redis itself:
 * `POST /` with a command as a JSON array answers `{"result": …}` (400 with
 * `{"error": …}` when Redis refuses it); `POST /pipeline` with an array of
 * commands answers an array of those; a bearer token is required; with the
 * `Upstash-Encoding: base64` header, strings in results are base64.
 *
 * Redis's answers come from Bun's RESP3 client; a map (what XREADGROUP
 * answers) is given as RESP2's list of [key, value] pairs, as Upstash does.
 */
import { RedisClient } from 'bun';

export interface UpstashGateway {
  url: string;
  token: string;
  /** Requests served, by path: what a test counts to see commands pipelined. */
  requests: Record<string, number>;
  close(): Promise<void>;
}

type Reply = { result: unknown } | { error: string };

export async function startUpstashGateway(redisUrl: string): Promise<UpstashGateway> {
  const token = crypto.randomUUID();
  const redis = new RedisClient(redisUrl);
  await redis.connect();
  const requests: Record<string, number> = {};

  const run = async (command: unknown, base64: boolean): Promise<Reply> => {
    if (!Array.isArray(command) || command.length === 0) return { error: 'ERR a command is a non-empty JSON array' };
    const [name, ...args] = command.map(String);
    try {
      return { result: encode(resp2(await redis.send(name!, args)), base64) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      requests[path] = (requests[path] ?? 0) + 1;
      if (request.headers.get('authorization') !== `Bearer ${token}`) return Response.json({ error: 'Unauthorized' }, { status: 401 });
      const base64 = request.headers.get('upstash-encoding') === 'base64';
      const body = await request.json().catch(() => null);
      if (path === '/pipeline') {
        if (!Array.isArray(body)) return Response.json({ error: 'ERR a pipeline is a JSON array of commands' }, { status: 400 });
        const replies: Reply[] = [];
        for (const command of body) replies.push(await run(command, base64));
        return Response.json(replies);
      }
      const reply = await run(body, base64);
      return Response.json(reply, { status: 'error' in reply ? 400 : 200 });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    token,
    requests,
    async close() {
      await server.stop(true);
      redis.close();
    },
  };
}

function resp2(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resp2);
  if (value !== null && typeof value === 'object') return Object.entries(value).map(([key, inner]) => [key, resp2(inner)]);
  return value;
}

function encode(value: unknown, base64: boolean): unknown {
  if (!base64) return value;
  if (typeof value === 'string') return value === 'OK' ? value : Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((inner) => encode(inner, base64));
  return value;
}
