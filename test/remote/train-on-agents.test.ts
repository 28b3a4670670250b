/**
 * An Admin with RAFIKI_SERVICES=agents: its train workers run where an agent
 * placed them (here, an agent on this host started by its command line), each
 * a remote runner's child reached over the process port; trials complete as
 * they do locally, and the job's frontend is placed the same way. A template
 * with installed dependencies (from the npm registry) trains and serves there
 * too, from the copy of its `node_modules` the agent's host was sent. With no
 * agent left, a job's workers cannot start, and the job says why.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { Subprocess } from 'bun';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestAdmin, type TestAdmin } from '../support/admin.ts';
import { ROOT } from '../support/processes.ts';
import { bundleTemplate } from '../support/services.ts';
import { finished, prepare, BEHAVIOURS, IRIS, TASK, workerPids } from '../support/train-jobs.ts';
import { waitUntil } from '../support/wait.ts';

setDefaultTimeout(180_000);

const AGENT_TOKEN = `agents-${crypto.randomUUID()}`;

/** The command line of a process's parent. */
function parentCommand(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return readFileSync(`/proc/${ppid}/cmdline`, 'utf8').replaceAll('\0', ' ');
}

/** The command lines of the parents of the query frontends running now. */
function frontendParents(): string[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('src/frontend/main.ts');
    } catch {
      return false;
    }
  }).map(parentCommand);
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
