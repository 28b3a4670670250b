/**
 * What serving across the job's Redis streams costs (issue 16): the same
 * inference job (softmax regression on iris, ONNX, REPLICA_COUNT 1) on three
 * Admins, side by side:
 *   - `ipc`: its frontend's worker beside it, batches over the IPC pipe (the in-process queue);
 *   - `redis`: the same, with the queue on Redis Streams (RAFIKI_SERVICES=local, REDIS_URL);
 *   - `apart`: frontend and queue worker each placed by an agent on this host,
 *     batches through Redis Streams between them (RAFIKI_SERVICES=agents, REDIS_URL).
 * Per round and setup: the time from POST /inference_jobs to its answer
 * (RUNNING), then the latency of `--queries` requests sent one after another,
 * of one query and of a batch of 16. Rounds interleave the setups; medians over
 * rounds of the per-round medians.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 bun scripts/bench/serving-apart.ts [--rounds 5] [--queries 300]
 */
import type { Subprocess } from 'bun';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startTestAdmin, type TestAdmin } from '../../test/support/admin.ts';
import { ROOT } from '../../test/support/processes.ts';
import { finished, prepare, SOFTMAX, TASK } from '../../test/support/train-jobs.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, queries: { type: 'string', default: '300' } } });
const ROUNDS = Number(args.rounds);
const QUERIES = Number(args.queries);
const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) throw new Error('set REDIS_URL: two of the three setups queue on Redis');
const AGENT_TOKEN = `bench-${crypto.randomUUID()}`;
const SETUPS = ['ipc', 'redis', 'apart'] as const;
type Setup = (typeof SETUPS)[number];
const ROW = [5.1, 3.5, 1.4, 0.2];
const BATCH = Array.from({ length: 16 }, () => ROW);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Figures { deployMs: number; oneMs: number; batchMs: number }

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function round(t: TestAdmin): Promise<Figures> {
  const client = t.superadmin;
  const deploying = performance.now();
  const job = await client.createInferenceJob('bench');
  const deployMs = performance.now() - deploying;
  const host = job.predictor_host!;
  // A few queries first: the HTTP/2 session, the worker's first run.
  for (let i = 0; i < 20; i++) await client.predict(host, ROW);
  const one: number[] = [];
  const batch: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    one.push(await timed(() => client.predict(host, ROW)));
    batch.push(await timed(() => client.predictBatch(host, BATCH)));
  }
  await client.stopInferenceJob('bench');
  return { deployMs, oneMs: median(one), batchMs: median(batch) };
}

const admins: Record<Setup, TestAdmin> = {
  ipc: await startTestAdmin('embedded'),
  redis: await startTestAdmin('embedded', { REDIS_URL }),
  apart: await startTestAdmin('embedded', { RAFIKI_SERVICES: 'agents', RAFIKI_PROCESS_PORT: '0', RAFIKI_AGENT_TOKEN: AGENT_TOKEN, REDIS_URL }),
};
const agent: Subprocess = Bun.spawn([process.execPath, join(ROOT, 'src/worker/agent.ts'), '--admin', admins.apart.admin.processUrl!, '--token', AGENT_TOKEN], { cwd: ROOT, stdout: 'ignore', stderr: 'inherit' });
const results: Record<Setup, Figures[]> = { ipc: [], redis: [], apart: [] };
try {
  for (const t of Object.values(admins)) {
    const { dataset, models: [model] } = await prepare(t.superadmin, [['softmax', SOFTMAX, 'SoftmaxRegression']]);
    await t.superadmin.createTrainJob({ app: 'bench', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [model!.id], budget: { MODEL_TRIAL_COUNT: 1, GPU_COUNT: 0 } });
    if ((await finished(t.superadmin, 'bench')).status !== 'STOPPED') throw new Error('the train job did not complete');
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const setup of SETUPS) results[setup].push(await round(admins[setup]));
  }
} finally {
  agent.kill();
  await Promise.all(Object.values(admins).map((t) => t.dispose()));
}

console.log(`${ROUNDS} rounds; softmax regression (ONNX), REPLICA_COUNT 1; ${QUERIES} sequential requests per round; medians over rounds:`);
const show = (key: keyof Figures) => SETUPS.map((setup) => {
  const value = median(results[setup].map((f) => f[key]));
  const ipc = median(results.ipc.map((f) => f[key]));
  return `${setup} ${value.toFixed(2)} ms${setup === 'ipc' ? '' : ` (+${(value - ipc).toFixed(2)})`}`;
}).join(', ');
console.log(`  inference job to RUNNING   ${show('deployMs')}`);
console.log(`  one query, request latency ${show('oneMs')}`);
console.log(`  16 queries, request latency ${show('batchMs')}`);
process.exit(0);
