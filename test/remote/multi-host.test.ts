/**
 * Rafiki across two hosts made of network namespaces (run as root; CI runs it):
 * host A runs the Admin (RAFIKI_SERVICES=agents) and an agent, host B an agent,
 * each started by its command line and reaching the Admin over the veth. A
 * train job's trials run on both hosts; everything on B is killed mid-job and
 * no trial is left RUNNING, the job finishing on A; the job's frontend, placed on
 * B, answers at B's address, and when B's processes are killed the inference job
 * says so rather than staying RUNNING; a runner with a wrong token is refused.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { Client } from '../../src/client/index.ts';
import { tempDir } from '../support/databases.ts';
import { makeHosts, netnsProblem, type Hosts } from '../support/netns.ts';
import { BUN, ROOT } from '../support/processes.ts';
import { BEHAVIOURS, finished, prepare, TASK, workerPids } from '../support/train-jobs.ts';
import { waitUntil } from '../support/wait.ts';

setDefaultTimeout(240_000);

const problem = netnsProblem();
if (problem && process.env.CI) throw new Error(`the multi-host test must run in CI: ${problem}`);
if (problem) console.warn(`skipping the multi-host test: ${problem}`);

const PASSWORD = 'multi-host password';
const AGENT_TOKEN = `agents-${crypto.randomUUID()}`;

describe.skipIf(problem !== null)('two hosts', () => {
  let hosts: Hosts;
  let dataDir: string;
  let admin: Subprocess;
  let client: Client;
  const agents: Record<string, Subprocess> = {};
  const processUrl = () => `http://${hosts.addressA}:3003`;
  const startAgent = (host: string) => {
    agents[host] = hosts.spawn(host, [BUN, join(ROOT, 'src/worker/agent.ts'), '--admin', processUrl(), '--token', AGENT_TOKEN]);
  };

  beforeAll(async () => {
    hosts = makeHosts();
    dataDir = tempDir('rafiki-multi-host-');
    admin = hosts.spawn(hosts.a, [BUN, join(ROOT, 'scripts/start.ts')], {
      RAFIKI_DATA_DIR: dataDir, RAFIKI_HOST: '0.0.0.0', RAFIKI_PUBLIC_HOST: hosts.addressA, RAFIKI_ADMIN_PORT: '3000',
      RAFIKI_SERVICES: 'agents', RAFIKI_AGENT_TOKEN: AGENT_TOKEN, RAFIKI_SUPERADMIN_PASSWORD: PASSWORD, RAFIKI_LOG_LEVEL: 'warn',
      RAFIKI_BUILTIN_MODELS: 'false', DATABASE_URL: undefined, REDIS_URL: undefined,
    });
    client = new Client({ adminUrl: `http://${hosts.addressFromHere}:3000` });
    await waitUntil('the Admin on host A', () => client.login('superadmin@rafiki', PASSWORD).then(() => true, () => false), 60_000, 250);
    startAgent(hosts.a);
    startAgent(hosts.b);
  });
  afterAll(() => {
    admin?.kill('SIGTERM');
    hosts?.dispose();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test("a job's trials run on both hosts; everything on B killed mid-job leaves no trial RUNNING, and the job ends on A", async () => {
    const { dataset, models: [model] } = await prepare(client, [['slow', BEHAVIOURS, 'SlowCentroid']]);
    // Both agents must be there before the job, or its two workers would share one host.
    const seen = new Set<string>();
    await client.createTrainJob({ app: 'spread', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [model!.id], budget: { MODEL_TRIAL_COUNT: 12, WORKER_COUNT: 2, GPU_COUNT: 0 } });
    await waitUntil('workers on both hosts', async () => {
      for (const pid of workerPids(await client.getTrainJob('spread'))) {
        const host = hosts.hostOf(pid);
        if (host) seen.add(host);
      }
      return seen.size === 2;
    }, 60_000);
    expect([...seen].sort()).toEqual([hosts.a, hosts.b].sort());
    await waitUntil('a completed trial', async () => (await client.getTrials('spread')).some((x) => x.status === 'COMPLETED'), 60_000);

    hosts.killAll(hosts.b);
    const job = await finished(client, 'spread');
    expect(job.status).toBe('STOPPED');
    const trials = await client.getTrials('spread');
    expect(trials.filter((x) => x.status === 'RUNNING')).toEqual([]);
    expect(trials.filter((x) => x.status === 'COMPLETED').length).toBeGreaterThan(0);
    // The workers that were on B ended with the reason.
    expect(trials.some((x) => x.status === 'ERRORED' && /lost its host|lost contact/.test(x.error ?? ''))).toBe(true);
  });

  test("an inference job's frontend on host B answers there; everything on B killed, the job is ERRORED with the reason", async () => {
    // Only B's agent: the frontend goes there.
    startAgent(hosts.b);
    agents[hosts.a]!.kill('SIGKILL');
    await agents[hosts.a]!.exited;
    await Bun.sleep(500);
    const job = await client.createInferenceJob('spread');
    expect(job.predictor_host).toStartWith(`${hosts.addressB}:`);
    // This namespace reaches A alone: the query goes through the Admin, which reaches B.
    expect((await client.predictThroughPredictor(job.id, [5.1, 3.5, 1.4, 0.2])).label).toBe('setosa');
    hosts.killAll(hosts.b);
    await waitUntil('the inference job to end', async () => (await client.getInferenceJobs()).find((j) => j.id === job.id)?.status === 'ERRORED', 30_000);
    const ended = (await client.getInferenceJobs()).find((j) => j.id === job.id)!;
    expect(ended.error).toMatch(/lost its host|lost contact/);
  });

  test('a runner with a wrong token is refused, and ends', async () => {
    const runner = Bun.spawn(['ip', 'netns', 'exec', hosts.b, BUN, join(ROOT, 'src/worker/remote-runner.ts'), '--admin', processUrl(), '--token', 'not.a.token'], { stdout: 'pipe', stderr: 'pipe' });
    const code = await runner.exited;
    expect(code).toBe(1);
    expect(await new Response(runner.stderr).text()).toMatch(/no link to the Admin: .*401/);
  });
});

