/**
 * Rafiki across two hosts made of network namespaces (run as root; CI runs it):
 * host A runs the Admin (RAFIKI_SERVICES=agents), Redis and an agent, host B an
 * agent, each started by its command line and reaching the Admin and Redis over
 * the veth. A train job's trials run on both hosts; everything on B is killed
 * mid-job and no trial is left RUNNING, the job finishing on A. An inference
 * job's two frontends and two queue workers are spread over both hosts and
 * share one Redis stream; everything on B is killed while queries flow, every
 * query A's frontend accepted is answered, and B's processes start again on A.
 * A runner with a wrong token is refused.
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

// Host A runs a Redis server of its own, which the Admin gives to every host.
const problem = netnsProblem() ?? (Bun.which('redis-server') ? null : 'redis-server is not installed');
if (problem && process.env.CI) throw new Error(`the multi-host test must run in CI: ${problem}`);
if (problem) console.warn(`skipping the multi-host test: ${problem}`);

const PASSWORD = 'multi-host password';
const REDIS_PORT = 6390;
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
    hosts.spawn(hosts.a, ['redis-server', '--bind', hosts.addressA, '--port', String(REDIS_PORT), '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--logfile', '/dev/null']);
    admin = hosts.spawn(hosts.a, [BUN, join(ROOT, 'scripts/start.ts')], {
      RAFIKI_DATA_DIR: dataDir, RAFIKI_HOST: '0.0.0.0', RAFIKI_PUBLIC_HOST: hosts.addressA, RAFIKI_ADMIN_PORT: '3000',
      RAFIKI_SERVICES: 'agents', RAFIKI_AGENT_TOKEN: AGENT_TOKEN, RAFIKI_SUPERADMIN_PASSWORD: PASSWORD, RAFIKI_LOG_LEVEL: 'warn',
      RAFIKI_BUILTIN_MODELS: 'false', DATABASE_URL: undefined, REDIS_URL: `redis://${hosts.addressA}:${REDIS_PORT}`,
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

  test("an inference job's frontends and workers on both hosts share one stream; everything on B killed while queries flow, every query A accepted is answered", async () => {
    // Everything on B went in the last test, its agent too.
    startAgent(hosts.b);
    await waitUntil('both agents', async () => /^rafiki_agents 2$/m.test(await client.getMetrics()), 30_000);
    const { dataset, models: [model] } = await prepare(client, [['slow-predict', BEHAVIOURS, 'SlowPredict']]);
    await client.createTrainJob({ app: 'serve', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [model!.id], budget: { MODEL_TRIAL_COUNT: 1, GPU_COUNT: 0 } });
    expect((await finished(client, 'serve')).status).toBe('STOPPED');

    const job = await client.createInferenceJob('serve', -1, { FRONTEND_COUNT: 2, REPLICA_COUNT: 2 });
    const hostOf = (address: string) => address.slice(0, address.lastIndexOf(':'));
    expect(job.predictor_hosts.map(hostOf).sort()).toEqual([hosts.addressA, hosts.addressB].sort());
    const portOn = (host: string) => job.predictor_hosts.find((address) => hostOf(address) === host)!.split(':').pop()!;
    // B's frontend answers at B's address (asked from B: this namespace reaches A alone).
    const fromB = Bun.spawn(['ip', 'netns', 'exec', hosts.b, BUN, '-e', `
      const answer = await fetch('http://${hosts.addressB}:${portOn(hosts.addressB)}/predict', {
        method: 'POST', headers: { authorization: 'Bearer ${client.token}', 'content-type': 'application/json' },
        body: JSON.stringify({ query: [5.1, 3.5, 1.4, 0.2] }),
      });
      console.log(answer.status, (await answer.json()).label);`], { stdout: 'pipe', stderr: 'inherit' });
    expect((await new Response(fromB.stdout).text()).trim()).toBe('200 setosa');

    // Queries flow into A's frontend; both hosts' workers take them from the one stream. Then B goes, with what its worker held.
    const survivor = `${hosts.addressFromHere}:${portOn(hosts.addressA)}`;
    const answers: string[] = [];
    let flowing = true;
    const flow = async () => {
      while (flowing) {
        answers.push(await client.predictLabelled(survivor, [5.1, 3.5, 1.4, 0.2], { deadlineMs: 20_000 }).then((p) => String(p.label), (e: Error) => e.message));
      }
    };
    const loops = Array.from({ length: 8 }, flow);
    await Bun.sleep(2_000);
    hosts.killAll(hosts.b);
    // An entry a dead worker took is claimed by a live one once it has waited 3 s.
    await Bun.sleep(6_000);
    flowing = false;
    await Promise.all(loops);
    expect(answers.length).toBeGreaterThan(16);
    expect(answers.filter((label) => label !== 'setosa')).toEqual([]);

    // The job stays RUNNING: B's frontend and worker start again on A, and the job says where its frontends are now.
    const moved = await waitUntil('both frontends on A', async () => {
      const now = (await client.getInferenceJobs()).find((j) => j.id === job.id)!;
      return now.status === 'RUNNING' && now.predictor_hosts.length === 2 && now.predictor_hosts.every((a) => hostOf(a) === hosts.addressA) ? now : null;
    }, 60_000);
    expect(moved.predictor_hosts).toContain(job.predictor_hosts.find((address) => hostOf(address) === hosts.addressA)!);
    await client.stopInferenceJob('serve');
  });

  test('a runner with a wrong token is refused, and ends', async () => {
    const runner = Bun.spawn(['ip', 'netns', 'exec', hosts.b, BUN, join(ROOT, 'src/worker/remote-runner.ts'), '--admin', processUrl(), '--token', 'not.a.token'], { stdout: 'pipe', stderr: 'pipe' });
    const code = await runner.exited;
    expect(code).toBe(1);
    expect(await new Response(runner.stderr).text()).toMatch(/no link to the Admin: .*401/);
  });
});

