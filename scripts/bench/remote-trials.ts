/**
 * What a train worker on another host costs per trial (issue 16): the same train
 * job (TinyCentroid on iris, `--trials` trials, WORKER_COUNT 1) on an Admin whose
 * workers are its children (RAFIKI_SERVICES=local) and on one whose workers are
 * placed by an agent (RAFIKI_SERVICES=agents; the agent on this host, so the
 * difference is the network path alone: the runner, its file downloads, and the
 * calls over the WebSocket instead of the IPC pipe). Rounds interleave the two;
 * medians over rounds of the per-trial medians.
 *
 *   bun scripts/bench/remote-trials.ts [--rounds 5] [--trials 30]
 *
 * Per trial: its stored duration (start → stop) and its cycle (one trial's start
 * to the next's). Per job: POST to settled, which adds the workers' start. Then
 * an inference job of each round's job: the time from POST /inference_jobs to
 * its answer (RUNNING: frontend and worker started and loaded), stopped again.
 */
import type { Subprocess } from 'bun';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startTestAdmin, type TestAdmin } from '../../test/support/admin.ts';
import { ROOT } from '../../test/support/processes.ts';
import { finished, prepare, TASK, TINY } from '../../test/support/train-jobs.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, trials: { type: 'string', default: '30' } } });
const ROUNDS = Number(args.rounds);
const TRIALS = Number(args.trials);
const AGENT_TOKEN = `bench-${crypto.randomUUID()}`;
// TinyCentroid is served by its own predict: the deploy includes staging the template and loading it in a worker.

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Figures { durationMs: number; cycleMs: number; jobMs: number; deployMs: number }

async function round(mode: 'local' | 'agents', app: string, t: TestAdmin): Promise<Figures> {
  const client = t.superadmin;
  const [dataset] = await client.getDatasets();
  const [model] = await client.getAvailableModels(TASK);
  const started = performance.now();
  await client.createTrainJob({ app, task: TASK, trainDatasetId: dataset!.id, valDatasetId: dataset!.id, modelIds: [model!.id], budget: { MODEL_TRIAL_COUNT: TRIALS, WORKER_COUNT: 1, GPU_COUNT: 0 } });
  const job = await finished(client, app);
  const jobMs = performance.now() - started;
  if (job.status !== 'STOPPED') throw new Error(`${mode}: the job ended ${job.status}: ${job.error}`);
  const trials = (await client.getTrials(app)).sort((a, b) => a.datetime_started.localeCompare(b.datetime_started));
  const at = (s: string) => new Date(s).getTime();
  const durations = trials.map((x) => at(x.datetime_stopped!) - at(x.datetime_started));
  const cycles = trials.slice(1).map((x, i) => at(x.datetime_started) - at(trials[i]!.datetime_started));
  const deploying = performance.now();
  const deployed = await client.createInferenceJob(app);
  const deployMs = performance.now() - deploying;
  if (deployed.status !== 'RUNNING') throw new Error(`${mode}: the inference job is ${deployed.status}`);
  await client.stopInferenceJob(app);
  return { durationMs: median(durations), cycleMs: median(cycles), jobMs: jobMs / trials.length, deployMs };
}

const admins: Record<'local' | 'agents', TestAdmin> = {
  local: await startTestAdmin('embedded'),
  agents: await startTestAdmin('embedded', { RAFIKI_SERVICES: 'agents', RAFIKI_PROCESS_PORT: '0', RAFIKI_AGENT_TOKEN: AGENT_TOKEN }),
};
const agent: Subprocess = Bun.spawn([process.execPath, join(ROOT, 'src/worker/agent.ts'), '--admin', admins.agents.admin.processUrl!, '--token', AGENT_TOKEN], { cwd: ROOT, stdout: 'inherit', stderr: 'inherit' });
const results: Record<'local' | 'agents', Figures[]> = { local: [], agents: [] };
try {
  for (const t of Object.values(admins)) await prepare(t.superadmin, [['tiny', TINY, 'TinyCentroid']]);
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of ['local', 'agents'] as const) results[mode].push(await round(mode, `bench-${r}`, admins[mode]));
  }
} finally {
  agent.kill();
  await Promise.all(Object.values(admins).map((t) => t.dispose()));
}

console.log(`${ROUNDS} rounds × ${TRIALS} TinyCentroid trials, WORKER_COUNT 1; medians over rounds:`);
const show = (key: keyof Figures) => {
  const local = median(results.local.map((f) => f[key]));
  const agents = median(results.agents.map((f) => f[key]));
  return `local ${local.toFixed(1)} ms, agents ${agents.toFixed(1)} ms (+${(agents - local).toFixed(1)} ms, ${(agents / local).toFixed(2)}×)`;
};
console.log(`  trial duration          ${show('durationMs')}`);
console.log(`  trial cycle             ${show('cycleMs')}`);
console.log(`  job time per trial      ${show('jobMs')}`);
console.log(`  inference job to RUNNING ${show('deployMs')}`);
const perMinute = (mode: 'local' | 'agents') => 60_000 / median(results[mode].map((f) => f.cycleMs));
console.log(`  trials per minute       local ${perMinute('local').toFixed(0)}, agents ${perMinute('agents').toFixed(0)}`);
process.exit(0);
