/**
 * Trials per minute with a train job's workers on one host and on two (issue
 * 16), on hosts made of network namespaces (root only): host A runs the Admin
 * (RAFIKI_SERVICES=agents) and an agent; for the two-host runs, host B runs a
 * second agent, reached over the veth. The same job each time: TinyCentroid on
 * iris, `--trials` trials, WORKER_COUNT 2, so that its two workers share A, or
 * are one on each host. The namespaces share this machine's cores, so two hosts
 * bring no more CPU: what differs is only where the workers run, and the
 * figure shows what the network path between hosts costs, not a speed-up.
 * Rounds alternate one host and two; medians over rounds.
 *
 *   bun scripts/bench/two-hosts.ts [--rounds 3] [--trials 60]
 */
import type { Subprocess } from 'bun';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '../../src/client/index.ts';
import { tempDir } from '../../test/support/databases.ts';
import { makeHosts, netnsProblem } from '../../test/support/netns.ts';
import { BUN, ROOT } from '../../test/support/processes.ts';
import { finished, prepare, TASK, TINY } from '../../test/support/train-jobs.ts';
import { waitUntil } from '../../test/support/wait.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, trials: { type: 'string', default: '60' } } });
const ROUNDS = Number(args.rounds);
const TRIALS = Number(args.trials);
const problem = netnsProblem();
if (problem) throw new Error(`this benchmark makes network namespaces: ${problem}`);

const PASSWORD = 'two-hosts password';
const AGENT_TOKEN = `bench-${crypto.randomUUID()}`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const hosts = makeHosts();
const dataDir = tempDir('rafiki-two-hosts-');
const admin = hosts.spawn(hosts.a, [BUN, join(ROOT, 'scripts/start.ts')], {
  RAFIKI_DATA_DIR: dataDir, RAFIKI_HOST: '0.0.0.0', RAFIKI_PUBLIC_HOST: hosts.addressA, RAFIKI_ADMIN_PORT: '3000',
  RAFIKI_SERVICES: 'agents', RAFIKI_AGENT_TOKEN: AGENT_TOKEN, RAFIKI_SUPERADMIN_PASSWORD: PASSWORD, RAFIKI_LOG_LEVEL: 'error',
  RAFIKI_BUILTIN_MODELS: 'false', DATABASE_URL: undefined, REDIS_URL: undefined,
});
const agent = (host: string): Subprocess => hosts.spawn(host, [BUN, join(ROOT, 'src/worker/agent.ts'), '--admin', `http://${hosts.addressA}:3003`, '--token', AGENT_TOKEN]);
const client = new Client({ adminUrl: `http://${hosts.addressFromHere}:3000` });
const agents = async (n: number) => waitUntil(`${n} agents`, async () => new RegExp(`^rafiki_agents ${n}$`, 'm').test(await client.getMetrics()), 30_000);

/** Trials per minute of one job: its trials over the time from the first one's start to the last one's end. */
async function run(app: string, modelId: string, datasetId: string): Promise<number> {
  await client.createTrainJob({ app, task: TASK, trainDatasetId: datasetId, valDatasetId: datasetId, modelIds: [modelId], budget: { MODEL_TRIAL_COUNT: TRIALS, WORKER_COUNT: 2, GPU_COUNT: 0 } });
  const job = await finished(client, app);
  if (job.status !== 'STOPPED') throw new Error(`the job ended ${job.status}: ${job.error}`);
  const trials = await client.getTrials(app);
  const at = (s: string) => new Date(s).getTime();
  const first = Math.min(...trials.map((x) => at(x.datetime_started)));
  const last = Math.max(...trials.map((x) => at(x.datetime_stopped!)));
  return (trials.length * 60_000) / (last - first);
}

const results = { one: [] as number[], two: [] as number[] };
let agentB: Subprocess | null = null;
try {
  await waitUntil('the Admin on host A', () => client.login('superadmin@rafiki', PASSWORD).then(() => true, () => false), 60_000, 250);
  agent(hosts.a);
  await agents(1);
  const { dataset, models: [model] } = await prepare(client, [['tiny', TINY, 'TinyCentroid']]);
  for (let r = 0; r < ROUNDS; r++) {
    results.one.push(await run(`one-${r}`, model!.id, dataset.id));
    agentB = agent(hosts.b);
    await agents(2);
    results.two.push(await run(`two-${r}`, model!.id, dataset.id));
    agentB.kill('SIGKILL');
    await agentB.exited;
    await agents(1);
  }
} finally {
  admin.kill('SIGTERM');
  await admin.exited;
  hosts.dispose();
  rmSync(dataDir, { recursive: true, force: true });
}

const one = median(results.one);
const two = median(results.two);
console.log(`${ROUNDS} rounds × ${TRIALS} TinyCentroid trials, WORKER_COUNT 2, hosts sharing this machine's cores; medians over rounds:`);
console.log(`  trials per minute  one host ${one.toFixed(0)}, two hosts ${two.toFixed(0)} (${(two / one).toFixed(2)}×)`);
console.log(`  per trial          one host ${(60_000 / one).toFixed(1)} ms, two hosts ${(60_000 / two).toFixed(1)} ms (${(60_000 / two - 60_000 / one >= 0 ? '+' : '')}${(60_000 / two - 60_000 / one).toFixed(1)} ms)`);
process.exit(0);
