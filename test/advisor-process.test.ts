/** `bun run advisor` alone, and an Admin that tunes through it (RAFIKI_ADVISOR_URL). */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import { join } from 'node:path';
import { httpAdvisor } from '../src/advisor/client.ts';
import { startTestAdmin, type TestAdmin } from './support/admin.ts';
import { bundleTemplate } from './support/services.ts';
import { spawnScript, type Spawned } from './support/processes.ts';
import { waitUntil } from './support/wait.ts';

setDefaultTimeout(120_000);

let advisor: Spawned;
let url: string;
let t: TestAdmin;

beforeAll(async () => {
  advisor = spawnScript(['scripts/advisor.ts'], { RAFIKI_ADVISOR_PORT: '0' });
  url = (await advisor.waitFor(/Rafiki Advisor\s+(http:\/\/\S+)/))[1]!;
  t = await startTestAdmin('embedded', { RAFIKI_ADVISOR_URL: url });
});
afterAll(async () => {
  await t.dispose();
  advisor.process.kill('SIGTERM');
  expect(await advisor.process.exited).toBe(0);
});

test('the Advisor process serves sessions over HTTP', async () => {
  const client = httpAdvisor(url);
  const { id } = await client.createSession({ knob_config: { lr: { type: 'float', min: 0.001, max: 0.1, log: true } }, seed: 1 });
  const proposal = await client.propose(id);
  expect(proposal!.trial_no).toBe(1);
  expect(proposal!.knobs.lr).toBeGreaterThanOrEqual(0.001);
  expect(await client.feedback(id, { trial_no: 1, score: 0.5 })).toEqual({ decision: 'continue' });
});

test('an Admin configured with RAFIKI_ADVISOR_URL runs a train job through it', async () => {
  const client = t.superadmin;
  const dataset = await client.createDataset({ name: 'iris', task: 'TABULAR_CLASSIFICATION', file: join(import.meta.dir, 'fixtures/iris.csv') });
  const model = await client.createModel({ name: 'tiny', task: 'TABULAR_CLASSIFICATION', file: join(import.meta.dir, 'fixtures/templates/tiny-centroid.ts'), modelClass: 'TinyCentroid' });
  await client.createTrainJob({ app: 'remote', task: 'TABULAR_CLASSIFICATION', trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [model.id], budget: { MODEL_TRIAL_COUNT: 3, GPU_COUNT: 0 } });
  const job = await waitUntil('the job to end', async () => {
    const j = await client.getTrainJob('remote');
    return j.status === 'STOPPED' ? j : null;
  });
  expect(job.sub_train_jobs![0]!.trials).toBe(3);
  expect((await client.getTrials('remote')).every((x) => x.status === 'COMPLETED' || x.status === 'TERMINATED')).toBe(true);
});

test('the Advisor killed mid-job and started again: the job waits for it, rebuilds its session from the stored trials and ends well', async () => {
  const client = t.superadmin;
  const [dataset] = await client.getDatasets('TABULAR_CLASSIFICATION');
  const slow = await client.createModel({ name: 'slow', task: 'TABULAR_CLASSIFICATION', file: await bundleTemplate(join(import.meta.dir, 'fixtures/templates/behaviours.ts')), modelClass: 'SlowCentroid' });
  await client.createTrainJob({ app: 'outage', task: 'TABULAR_CLASSIFICATION', trainDatasetId: dataset!.id, valDatasetId: dataset!.id, modelIds: [slow.id], budget: { MODEL_TRIAL_COUNT: 6, GPU_COUNT: 0 } });
  await waitUntil('two trials to finish', async () => (await client.getTrials('outage')).filter((x) => x.status !== 'RUNNING').length >= 2);
  advisor.process.kill('SIGKILL');
  await advisor.process.exited;
  await Bun.sleep(1500);
  advisor = spawnScript(['scripts/advisor.ts'], { RAFIKI_ADVISOR_PORT: new URL(url).port });
  await advisor.waitFor(/Rafiki Advisor\s+http/);
  const job = await waitUntil('the job to end', async () => {
    const j = await client.getTrainJob('outage');
    return j.status === 'STOPPED' || j.status === 'ERRORED' ? j : null;
  });
  expect(job.status).toBe('STOPPED');
  const trials = await client.getTrials('outage');
  expect(trials.map((x) => x.no).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(trials.filter((x) => x.status !== 'COMPLETED' && x.status !== 'TERMINATED')).toEqual([]);
});
