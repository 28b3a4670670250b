/**
 * An Admin with RAFIKI_SERVICES=agents: its train workers run where an agent
 * placed them (here, an agent on this host started by its command line), each
 * a remote runner's child reached over the process port; trials complete as
 * they do locally, and the job's frontend is placed the same way. A template
 * with installed dependencies (from the npm registry) trains and serves there
 * too, from the copy of its `node_modules` the agent's host was sent. With no
 * agent left, a job's workers cannot start, and the job says why. With Redis,
 * an inference job's workers are queue workers placed apart from its
 * frontends, and one killed is started again while the frontends keep answering.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { RedisClient, type Subprocess } from 'bun';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestAdmin, type TestAdmin } from '../support/admin.ts';
import { ROOT } from '../support/processes.ts';
import { bundleTemplate } from '../support/services.ts';
import { finished, prepare, BEHAVIOURS, IRIS, TASK, TINY, workerPids } from '../support/train-jobs.ts';
import { waitUntil } from '../support/wait.ts';

setDefaultTimeout(180_000);

const AGENT_TOKEN = `agents-${crypto.randomUUID()}`;

/** The pids of the processes running a script of Rafiki's. */
function processesOf(script: string): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(script);
    } catch {
      return false;
    }
  });
}

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** The command line of a process's parent. */
function parentCommand(pid: number): string {
  return readFileSync(`/proc/${parentOf(pid)}/cmdline`, 'utf8').replaceAll('\0', ' ');
}

/** The command lines of the parents of the query frontends running now. */
function frontendParents(): string[] {
  return processesOf('src/frontend/main.ts').map(parentCommand);
}

describe('train workers placed by agents', () => {
  let t: TestAdmin;
  let agent: Subprocess;
  /** The agent's host's temporary folder: its runners' files and their folder cache. */
  const agentTmp = mkdtempSync(join(tmpdir(), 'rafiki-agent-host-'));
  beforeAll(async () => {
    t = await startTestAdmin('embedded', { RAFIKI_SERVICES: 'agents', RAFIKI_PROCESS_PORT: '0', RAFIKI_AGENT_TOKEN: AGENT_TOKEN });
    agent = Bun.spawn([process.execPath, join(ROOT, 'src/worker/agent.ts'), '--admin', t.admin.processUrl!, '--token', AGENT_TOKEN], {
      cwd: ROOT, stdout: 'inherit', stderr: 'inherit', env: { ...process.env, TMPDIR: agentTmp },
    });
  });
  afterAll(async () => {
    agent?.kill();
    await t?.dispose();
    rmSync(agentTmp, { recursive: true, force: true });
  });

  test("a job's trials run in remote runners' processes, and complete", async () => {
    const client = t.superadmin;
    const { dataset, models: [model] } = await prepare(client, [['slow', BEHAVIOURS, 'SlowCentroid']]);
    await client.createTrainJob({ app: 'placed', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [model!.id], budget: { MODEL_TRIAL_COUNT: 4, WORKER_COUNT: 2, GPU_COUNT: 0 } });
    const pids = await waitUntil('its workers', async () => {
      const running = workerPids(await client.getTrainJob('placed'));
      return running.length > 0 ? running : null;
    });
    expect(parentCommand(pids[0]!)).toContain('src/worker/remote-runner.ts --admin');
    const job = await finished(client, 'placed');
    expect({ status: job.status, job }).toMatchObject({ status: 'STOPPED' });
    const trials = await client.getTrials('placed');
    expect(trials.filter((x) => x.status === 'COMPLETED' || x.status === 'TERMINATED')).toHaveLength(4);
    expect(trials.some((x) => x.status === 'COMPLETED' && x.score !== null)).toBe(true);
  });

  test("the job's frontend is placed too, and answers queries, directly and through the Admin", async () => {
    const client = t.superadmin;
    const job = await client.createInferenceJob('placed');
    expect(job.status).toBe('RUNNING');
    expect(frontendParents().some((command) => command.includes('src/worker/remote-runner.ts --admin'))).toBe(true);
    expect((await client.predictLabelled(job.predictor_host!, [5.1, 3.5, 1.4, 0.2])).label).toBe('setosa');
    expect((await client.predictThroughPredictor(job.id, [6.7, 3.0, 5.2, 2.3])).label).toBe('virginica');
    await client.stopInferenceJob('placed');
  });

  test('a template with installed dependencies trains and serves on the agent\'s host, from the copy of its packages sent there', async () => {
    const client = t.superadmin;
    const dataset = (await client.getDatasets())[0] ?? await client.createDataset({ name: 'iris', task: TASK, file: IRIS });
    // semver has a bin, so its node_modules holds a link (.bin/semver) as well as the Admin's link to Rafiki.
    const code = new TextEncoder().encode(`import semver from 'semver';\n${new TextDecoder().decode(await bundleTemplate(BEHAVIOURS))}
export class Versioned extends SlowCentroid {
  async train(data, ctx) {
    ctx.log(\`semver says \${semver.inc('1.2.3', 'minor')}\`);
    await super.train(data, ctx);
  }
}
`);
    const model = await client.createModel({ name: 'versioned', task: TASK, file: code, modelClass: 'Versioned', dependencies: { semver: '7.7.2' } });
    await client.createTrainJob({ app: 'versioned', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [model.id], budget: { MODEL_TRIAL_COUNT: 2, WORKER_COUNT: 1, GPU_COUNT: 0 } });
    const pids = await waitUntil('its worker', async () => {
      const running = workerPids(await client.getTrainJob('versioned'));
      return running.length > 0 ? running : null;
    });
    expect(parentCommand(pids[0]!)).toContain('src/worker/remote-runner.ts --admin');
    const job = await finished(client, 'versioned');
    expect({ status: job.status, job }).toMatchObject({ status: 'STOPPED' });
    const trials = await client.getTrials('versioned');
    expect(trials.map((x) => x.status)).toEqual(['COMPLETED', 'COMPLETED']);
    const logs = await client.getTrialLogs(trials[0]!.id);
    expect(JSON.stringify(logs)).toContain('semver says 1.3.0');

    // The agent's host keeps one copy of the packages, with its own link to Rafiki; the Admin's link was not sent.
    const cache = join(agentTmp, 'rafiki-folders');
    const copies = readdirSync(cache).filter((name) => existsSync(join(cache, name, 'semver/package.json')));
    expect(copies).toHaveLength(1);
    const copy = join(cache, copies[0]!);
    expect(readlinkSync(join(copy, '.bin/semver'))).toBe('../semver/bin/semver.js');
    expect(realpathSync(join(copy, 'rafiki'))).toBe(realpathSync(ROOT));

    // Its frontend, placed there too, gets the packages as a folder of its files, and its workers import them.
    const serving = await client.createInferenceJob('versioned');
    expect(serving.status).toBe('RUNNING');
    expect(frontendParents().some((command) => command.includes('src/worker/remote-runner.ts --admin'))).toBe(true);
    expect((await client.predictLabelled(serving.predictor_host!, [5.1, 3.5, 1.4, 0.2])).label).toBe('setosa');
    await client.stopInferenceJob('versioned');
    expect(readdirSync(cache).filter((name) => existsSync(join(cache, name, 'semver/package.json')))).toEqual(copies);
  });

  test('with no agent connected, the job ends with the reason', async () => {
    agent.kill();
    await agent.exited;
    const client = t.superadmin;
    const [dataset] = await client.getDatasets();
    const [model] = (await client.getAvailableModels(TASK)).filter((m) => m.name === 'slow');
    await client.createTrainJob({ app: 'unplaced', task: TASK, trainDatasetId: dataset!.id, valDatasetId: dataset!.id, modelIds: [model!.id], budget: { MODEL_TRIAL_COUNT: 2, GPU_COUNT: 0 } });
    const job = await finished(client, 'unplaced');
    expect(job.status).toBe('ERRORED');
    expect(JSON.stringify(job)).toContain('no agent is connected');
  });
});

describe.skipIf(!process.env.REDIS_URL)('inference jobs placed by agents, with Redis', () => {
  let t: TestAdmin;
  let agent: Subprocess;
  beforeAll(async () => {
    t = await startTestAdmin('embedded', { RAFIKI_SERVICES: 'agents', RAFIKI_PROCESS_PORT: '0', RAFIKI_AGENT_TOKEN: AGENT_TOKEN, REDIS_URL: process.env.REDIS_URL! });
    agent = Bun.spawn([process.execPath, join(ROOT, 'src/worker/agent.ts'), '--admin', t.admin.processUrl!, '--token', AGENT_TOKEN], { cwd: ROOT, stdout: 'inherit', stderr: 'inherit' });
  });
  afterAll(async () => {
    agent?.kill();
    await t?.dispose();
  });

  test('two frontends and two queue workers, each placed; a queue worker killed starts again, and the frontends keep answering', async () => {
    const client = t.superadmin;
    const { dataset, models: [model] } = await prepare(client, [['tiny', TINY, 'TinyCentroid']]);
    await client.createTrainJob({ app: 'apart', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [model!.id], budget: { MODEL_TRIAL_COUNT: 1, GPU_COUNT: 0 } });
    expect((await finished(client, 'apart')).status).toBe('STOPPED');

    const job = await client.createInferenceJob('apart', -1, { FRONTEND_COUNT: 2, REPLICA_COUNT: 2 });
    expect(job.predictor_hosts).toHaveLength(2);
    // Started by a runner of this test's agent (other tests may run frontends on this host meanwhile).
    const placed = (script: string) => processesOf(script).filter((pid) => {
      try {
        return parentCommand(pid).includes('src/worker/remote-runner.ts --admin') && parentOf(parentOf(pid)) === agent.pid;
      } catch {
        return false;
      }
    });
    const workers = placed('src/frontend/queue-worker-main.ts');
    expect([placed('src/frontend/main.ts').length, workers.length]).toEqual([2, 2]);
    for (const host of job.predictor_hosts) expect((await client.predictLabelled(host, [5.1, 3.5, 1.4, 0.2])).label).toBe('setosa');
    // Every frontend and worker speaks to Redis as the job's own user, which goes with the job.
    const redis = new RedisClient(process.env.REDIS_URL!);
    const jobConnections = async () => String(await redis.send('CLIENT', ['LIST'])).split('\n').filter((line) => line.includes(` user=rafiki-job-${job.id} `)).length;
    expect(await jobConnections()).toBeGreaterThanOrEqual(4);

    process.kill(workers[0]!, 'SIGKILL');
    const statuses = async () => (await t.admin.store.services.ofInferenceJob(job.id)).filter((s) => s.kind === 'INFERENCE_WORKER').map((s) => s.status).sort();
    await waitUntil('a new queue worker, ready', async () => (await statuses()).join() === 'ERRORED,RUNNING,RUNNING', 60_000);
    const now = placed('src/frontend/queue-worker-main.ts');
    expect([now.length, now.includes(workers[0]!)]).toEqual([2, false]);
    for (const host of job.predictor_hosts) expect((await client.predictLabelled(host, [6.7, 3.0, 5.2, 2.3])).label).toBe('virginica');
    expect((await client.getRunningInferenceJob('apart')).status).toBe('RUNNING');
    await client.stopInferenceJob('apart');
    expect(placed('src/frontend/queue-worker-main.ts')).toEqual([]);
    expect([await redis.send('ACL', ['GETUSER', `rafiki-job-${job.id}`]), await jobConnections()]).toEqual([null, 0]);
    redis.close();
  });
});
