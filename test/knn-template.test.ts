/**
 * The kNN template as a template author would use it: copied into a folder outside
 * the repository, uploaded from there once per task, trained, deployed (served by
 * its `predict`, since it has no ONNX) and queried over HTTP/2.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAdmin } from '../src/admin/server.ts';
import { Client } from '../src/client/index.ts';
import { SUPERADMIN, testConfig } from './support/admin.ts';
import { createBackend, type Backend } from './support/databases.ts';
import { finished } from './support/train-jobs.ts';

setDefaultTimeout(180_000);

const FIXTURES = join(import.meta.dir, 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'rafiki-knn-'));
const file = join(dir, 'knn.ts');
copyFileSync(join(import.meta.dir, '../models/knn.ts'), file);

let backend: Backend;
let admin: Awaited<ReturnType<typeof startAdmin>>;
let client: Client;

beforeAll(async () => {
  backend = await createBackend('embedded');
  admin = await startAdmin(testConfig(backend));
  client = new Client({ adminUrl: admin.url });
  await client.login(SUPERADMIN.email, SUPERADMIN.password);
});
afterAll(async () => {
  client.close();
  await admin.stop();
  await backend.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function trainAndDeploy(app: string, task: 'TABULAR_CLASSIFICATION' | 'TABULAR_REGRESSION', csv: string) {
  const model = await client.createModel({ name: `knn-${app}`, task, file, modelClass: 'KNearestNeighbors' });
  expect(Object.keys(model.knob_config).sort()).toEqual(['k', 'metric', 'weighting']);
  const dataset = await client.createDataset({ name: app, task, file: join(FIXTURES, csv) });
  await client.createTrainJob({ app, task, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [model.id], budget: { MODEL_TRIAL_COUNT: 2, GPU_COUNT: 0 } });
  expect((await finished(client, app)).status).toBe('STOPPED');
  const [best] = await client.getBestTrials(app, -1, 1);
  expect(best!.status).toBe('COMPLETED');
  const logs = await client.getTrialLogs(best!.id);
  expect(logs.plots.map((p) => [p.title, p.x_axis])).toEqual([['Leave-one-out score by k', 'k']]);
  return { best: best!, job: await client.createInferenceJob(app, -1, { GPU_COUNT: 0 }) };
}

test('classification: probabilities in the classes order, from a template uploaded from its own folder', async () => {
  const { best, job } = await trainAndDeploy('iris', 'TABULAR_CLASSIFICATION', 'iris.csv');
  // Validated on its own training rows, kNN is near perfect.
  expect(best.score).toBeGreaterThan(0.9);
  const [setosa, virginica] = await client.predictBatch(job.predictor_host!, [
    { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
    [6.7, 3.0, 5.2, 2.3],
  ]) as number[][];
  expect(setosa!.indexOf(Math.max(...setosa!))).toBe(0);
  expect(virginica!.indexOf(Math.max(...virginica!))).toBe(2);
  await client.stopInferenceJob('iris');
});

test('regression: one number per query; a bad query is a 400 naming the feature', async () => {
  const { job } = await trainAndDeploy('diabetes', 'TABULAR_REGRESSION', 'diabetes.csv');
  const [value] = await client.predictBatch(job.predictor_host!, [{}]) as number[];
  expect(Number.isFinite(value)).toBe(true);
  const refused = await client.predict(job.predictor_host!, { age: 'old' }).then(() => null, (err: unknown) => err as { status: number; message: string });
  expect(refused?.status).toBe(400);
  expect(refused?.message).toContain('feature "age"');
  await client.stopInferenceJob('diabetes');
});
