/** Train jobs as the tests start and watch them: iris, fixture templates, and waits on their state. */
import { join } from 'node:path';
import { Client, type TrainJobJson } from '../../src/client/index.ts';
import { SUPERADMIN } from './admin.ts';
import { bundleTemplate } from './services.ts';
import { waitUntil } from './wait.ts';

const FIXTURES = join(import.meta.dir, '../fixtures');
export const IRIS = join(FIXTURES, 'iris.csv');
export const TINY = join(FIXTURES, 'templates/tiny-centroid.ts');
export const BEHAVIOURS = join(FIXTURES, 'templates/behaviours.ts');
export const SOFTMAX = join(import.meta.dir, '../../models/softmax_regression.ts');
export const TASK = 'TABULAR_CLASSIFICATION';

/** Uploads iris and the templates, each `[name, file, class]` (a fixture bundled to one module: an upload is one module). */
export async function prepare(client: Client, templates: [string, string, string][]) {
  const dataset = await client.createDataset({ name: 'iris', task: TASK, file: IRIS });
  const models = [];
  for (const [name, file, modelClass] of templates) models.push(await client.createModel({ name, task: TASK, file: await bundleTemplate(file), modelClass }));
  return { dataset, models };
}

/** On a fresh Admin, as the superadmin: iris, the SlowCentroid template, and a train job `app` of `trials` trials of it, started. */
export async function slowJob(adminUrl: string, app: string, trials: number): Promise<Client> {
  const client = new Client({ adminUrl });
  await client.login(SUPERADMIN.email, SUPERADMIN.password);
  const { dataset, models: [model] } = await prepare(client, [['slow', BEHAVIOURS, 'SlowCentroid']]);
  await client.createTrainJob({ app, task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [model!.id], budget: { MODEL_TRIAL_COUNT: trials, GPU_COUNT: 0 } });
  return client;
}

export const workerPids = (job: TrainJobJson) => (job.sub_train_jobs ?? []).flatMap((s) => s.workers.map((w) => w.pid)).filter((p): p is number => p !== null);

export async function finished(client: Client, app: string): Promise<TrainJobJson> {
  return waitUntil(`train job ${app} to end`, async () => {
    const job = await client.getTrainJob(app);
    return job.status === 'STOPPED' || job.status === 'ERRORED' ? job : null;
  }, 150_000);
}
