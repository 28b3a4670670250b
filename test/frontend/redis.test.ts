// Frontends on Redis Streams: two frontends of one job sharing the work (over
// TCP, and one of them through Upstash's REST protocol), and Redis stopped and
// started again under load (503 at once while it is away, service back by
// itself after). Runs when REDIS_URL is set; CI must set it.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { createServer, type AddressInfo } from 'node:net';
import { deleteKeys } from '../../src/frontend/queue/queue-suite.ts';
import { startUpstashGateway } from '../support/upstash-gateway.ts';
import { frontendSpec, IRIS_QUERIES, post, serve, tempDir, type Trained, trainTabular } from './support.ts';

setDefaultTimeout(60_000);

const url = process.env.REDIS_URL;
if (!url && process.env.CI) throw new Error('REDIS_URL must be set in CI: the frontend is tested against a real Redis');

const dir = tempDir();
let softmax: Trained;
let expected: number[][];

beforeAll(async () => {
  softmax = await trainTabular(dir.path, { id: 'softmax', file: 'iris.csv', className: 'SoftmaxRegression', knobs: { optimizer: 'adam', learningRate: 0.05, weightDecay: 1e-4, batchSize: 16, epochs: 10 } });
  expected = await softmax.predict(IRIS_QUERIES) as number[][];
});
afterAll(() => dir.remove());

function expectRight(q: number, prediction: number[]) {
  prediction.forEach((p, k) => expect(Math.abs(p - expected[q]![k]!)).toBeLessThan(1e-4));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Redis of our own, to stop and start again. */
async function startRedis(port: number) {
  const child = Bun.spawn(['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdout: 'ignore', stderr: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const probe = await fetch(`http://127.0.0.1:${port}`).catch((err: Error) => err);
    // Redis answers HTTP with an error and closes: any reply but "refused" means it listens.
    if (!(probe instanceof Error) || !/refused|ECONNREFUSED/i.test(String(probe.message ?? probe))) break;
    await Bun.sleep(50);
  }
  return child;
}

if (url) {
  describe('two frontends of one job on one Redis', () => {
    /** Two frontends of one job: both over TCP, or the second through Upstash's REST protocol to the same Redis. */
    async function sharing(through: 'tcp' | 'upstash'): Promise<void> {
      const jobId = `test-${crypto.randomUUID().slice(0, 8)}`;
      const spec = frontendSpec({ task: 'TABULAR_CLASSIFICATION', trials: [softmax.trial], redisUrl: url!, jobId, maxQueueDelayMs: 0 });
      const gateway = through === 'upstash' ? await startUpstashGateway(url!) : null;
      const [a, b] = await Promise.all([serve(spec), serve(gateway ? { ...spec, redisUrl: gateway.url, redisToken: gateway.token } : spec)]);
      try {
        for (let wave = 0; wave < 20 && Object.keys(b.stats().batchSizes).length === 0; wave++) {
          const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => post(a.port, '/predict', { query: IRIS_QUERIES[i % 3] })));
          answers.forEach(({ status, body }, i) => {
            expect(status).toBe(200);
            expectRight(i % 3, body.prediction);
          });
        }
        // Only a pushed to the streams; b's batchers took part of the work.
        expect(Object.keys(b.stats().batchSizes).length).toBeGreaterThan(0);
        const viaB = await post(b.port, '/predict', { queries: IRIS_QUERIES });
        expect(viaB.status).toBe(200);
        viaB.body.predictions.forEach((p: number[], q: number) => expectRight(q, p));
        if (gateway) expect(gateway.requests['/pipeline'] ?? 0).toBeGreaterThan(0);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
        await gateway?.close();
        await deleteKeys(url!, `rafiki:${jobId}`);
      }
    }

    test('both take queries pushed to either, and each answer reaches the frontend that took the request', () => sharing('tcp'));
    test("the same with one of them on Upstash's REST protocol (edge runtimes without TCP)", () => sharing('upstash'));
  });

  describe('Redis going away under load', () => {
    test('503 at once while it is down, every request answered, service back by itself', async () => {
      const port = await freePort();
      let redis = await startRedis(port);
      const frontend = await serve(frontendSpec({ task: 'TABULAR_CLASSIFICATION', trials: [softmax.trial], redisUrl: `redis://127.0.0.1:${port}`, deadlineMs: 1000 }));
      try {
        const statuses: number[] = [];
        let phase: 'up' | 'down' | 'back' = 'up';
        const downStatuses: number[] = [];
        let backOk = 0;
        const client = async (c: number) => {
          for (let i = 0; phase !== 'back' || backOk < 50; i++) {
            const q = (c + i) % 3;
            const { status, body } = await post(frontend.port, '/predict', { query: IRIS_QUERIES[q] });
            statuses.push(status);
            if (status === 200) expectRight(q, body.prediction);
            else expect(body.error.message).toBeString();
            if (phase === 'down') downStatuses.push(status);
            if (phase === 'back' && status === 200) backOk++;
            if (status !== 200) await Bun.sleep(10);
          }
        };
        const clients = Array.from({ length: 8 }, (_, c) => client(c));
        while (statuses.length < 100) await Bun.sleep(5);
        redis.kill('SIGKILL');
        await redis.exited;
        phase = 'down';
        while (downStatuses.filter((s) => s === 503).length < 20) await Bun.sleep(10);
        redis = await startRedis(port);
        phase = 'back';
        await Promise.all(clients);
        // Accepted requests in flight when Redis died end by their deadline: 504 (or 200 if answered).
        expect(statuses.filter((s) => ![200, 503, 504].includes(s))).toEqual([]);
        expect(downStatuses).toContain(503);
        expect(backOk).toBeGreaterThanOrEqual(50);
        expect(frontend.stats().inFlight).toBe(0);
      } finally {
        await frontend.stop();
        redis.kill('SIGKILL');
      }
    });
  });
}
