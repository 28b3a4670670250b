/** Inference jobs through the Admin: deploy a train job's best trials, query them over HTTP/2, stop, restart. */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { join } from 'node:path';
import { startAdmin } from '../src/admin/server.ts';
import { Client } from '../src/client/index.ts';
import { SUPERADMIN, testConfig } from './support/admin.ts';
import { createBackend, type Backend } from './support/databases.ts';
import { isAlive, waitUntil } from './support/wait.ts';
import { failure } from './support/errors.ts';
import { bundleTemplate } from './support/services.ts';
import { BEHAVIOURS, finished } from './support/train-jobs.ts';

setDefaultTimeout(180_000);

const FIXTURES = join(import.meta.dir, 'fixtures');
const TASK = 'TABULAR_CLASSIFICATION';
const SETOSA = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const VIRGINICA = [6.7, 3.0, 5.2, 2.3];


describe('inference jobs', () => {
  let backend: Backend;
  let admin: Awaited<ReturnType<typeof startAdmin>>;
  let client: Client;

  beforeAll(async () => {
    backend = await createBackend('embedded');
    admin = await startAdmin(testConfig(backend));
    client = new Client({ adminUrl: admin.url });
    await client.login(SUPERADMIN.email, SUPERADMIN.password);
    const dataset = await client.createDataset({ name: 'iris', task: TASK, file: join(FIXTURES, 'iris.csv') });
    const softmax = await client.createModel({ name: 'softmax', task: TASK, file: join(import.meta.dir, '../models/softmax_regression.ts'), modelClass: 'SoftmaxRegression' });
    const tiny = await client.createModel({ name: 'tiny', task: TASK, file: join(FIXTURES, 'templates/tiny-centroid.ts'), modelClass: 'TinyCentroid' });
    await client.createTrainJob({ app: 'iris', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [softmax.id, tiny.id], budget: { MODEL_TRIAL_COUNT: 3, GPU_COUNT: 0 } });
    await waitUntil('the train job to stop', async () => (await client.getTrainJob('iris')).status === 'STOPPED');
  });
  afterAll(async () => {
    client.close();
    await admin.stop();
    await backend.dispose();
  });

  test('deploys the best trial of each template; queries over HTTP/2 get averaged probabilities; stop ends it', async () => {
    const best = await client.getBestTrials('iris', -1, 10);
    const job = await client.createInferenceJob('iris', -1, { GPU_COUNT: 0 });
    expect(job).toMatchObject({ app: 'iris', app_version: 1, status: 'RUNNING', budget: { MODEL_COUNT: 2, REPLICA_COUNT: 1, GPU_COUNT: 0 } });
    const bestPerModel = ['softmax', 'tiny'].map((name) => best.find((trial) => trial.model_name === name)!.id).sort();
    expect(job.trial_ids).toEqual(bestPerModel);
    expect(job.predictor_host).toMatch(/^127\.0\.0\.1:\d+$/);

    const probabilities = (await client.predict(job.predictor_host!, SETOSA)) as number[];
    expect(probabilities).toHaveLength(3);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(probabilities.indexOf(Math.max(...probabilities))).toBe(0);
    const batch = (await client.predictBatch(job.predictor_host!, [SETOSA, VIRGINICA])) as number[][];
    expect(batch.map((p) => p.indexOf(Math.max(...p)))).toEqual([0, 2]);
    const v2 = await client.inferV2(job.predictor_host!, 'iris', [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }]);
    expect(v2.outputs[0]!.shape).toEqual([1, 3]);
    expect(v2.outputs[0]!.data[0]).toBeCloseTo(probabilities[0]!, 5);
    expect(v2.outputs[1]).toEqual({ name: 'labels', shape: [1], datatype: 'BYTES', data: ['setosa'] });
    const labelled = await client.predictLabelled(job.predictor_host!, SETOSA);
    expect(labelled).toEqual({ prediction: expect.any(Array), label: 'setosa', label_probability: Math.max(...(labelled.prediction as number[])) });
    const labels = await client.predictBatchLabelled(job.predictor_host!, [SETOSA, VIRGINICA]);
    expect(labels.map((p) => p.label)).toEqual(['setosa', 'virginica']);

    expect((await client.getRunningInferenceJob('iris')).id).toBe(job.id);
    expect((await client.getInferenceJobs({ app: 'iris' })).map((j) => j.id)).toContain(job.id);
    expect((await failure(client.createInferenceJob('iris'))).status).toBe(409);

    const stopped = await client.stopInferenceJob('iris');
    expect(stopped.status).toBe('STOPPED');
    expect((await failure(client.predict(job.predictor_host!, SETOSA))).code).toBe('NETWORK');
    expect((await failure(client.getRunningInferenceJob('iris'))).status).toBe(404);
    expect((await failure(client.stopInferenceJob('iris'))).status).toBe(409);
  });

  test('MODEL_COUNT deploys the best trials overall; a restarted Admin deploys running jobs again, at the same address', async () => {
    const job = await client.createInferenceJob('iris', 1, { MODEL_COUNT: 1, GPU_COUNT: 0 });
    expect(job.trial_ids).toEqual([(await client.getBestTrials('iris', 1, 1))[0]!.id]);
    const [frontend] = (await admin.store.services.ofInferenceJob(job.id));
    await admin.stop();
    expect(isAlive(frontend!.pid!)).toBe(false);
    admin = await startAdmin(testConfig(backend));
    client.close();
    client = new Client({ adminUrl: admin.url });
    await client.login(SUPERADMIN.email, SUPERADMIN.password);
    const again = await waitUntil('the job to run again', async () => {
      const j = await client.getRunningInferenceJob('iris');
      return j.status === 'RUNNING' ? j : null;
    });
    expect(again.predictor_host).toBe(job.predictor_host);
    const prediction = (await client.predict(again.predictor_host!, SETOSA)) as number[];
    expect(prediction.indexOf(Math.max(...prediction))).toBe(0);
    await client.stopInferenceJob('iris');
  });

  test("through the Admin: the running job's model, one query and its serving figures; its owner's alone", async () => {
    await client.createInferenceJob('iris', 1, { MODEL_COUNT: 1, GPU_COUNT: 0 });
    const model = await client.getInferenceJobModel('iris', 1);
    expect(model.name).toBe('iris');
    expect(model.outputs[0]!.parameters?.classes).toEqual(['setosa', 'versicolor', 'virginica']);

    const answer = await client.predictThroughAdmin('iris', 1, SETOSA);
    const probabilities = answer.prediction as number[];
    expect(probabilities.indexOf(Math.max(...probabilities))).toBe(0);
    expect([answer.label, answer.label_probability]).toEqual(['setosa', probabilities[0]]);
    // The predictor's own 400, in its words, relayed.
    const bad = await failure(client.predictThroughAdmin('iris', 1, { sepal_length: 'long' }));
    expect(bad.status).toBe(400);
    expect(bad.message).toContain('sepal_length');

    const figures = await client.getServingFigures('iris', 1);
    expect(figures.answers['200']).toBe(1);
    expect(figures.answers['400']).toBe(1);
    expect(figures.errors).toBe(1);
    expect(figures.latencySeconds.count).toBe(2);
    expect(figures.latencySeconds.buckets.at(-1)![1]).toBeLessThanOrEqual(2);
    expect(figures.batchSize.count).toBeGreaterThanOrEqual(1);

    const other = new Client({ adminUrl: admin.url });
    await client.createUser({ email: 'someone@example.com', password: 'a long password', userType: 'APP_DEVELOPER' });
    await other.login('someone@example.com', 'a long password');
    expect((await failure(other.predictThroughAdmin('iris', 1, SETOSA))).status).toBe(404);
    expect((await failure(other.getServingFigures('iris', 1))).status).toBe(404);
    await client.stopInferenceJob('iris', 1);
    expect((await failure(client.getInferenceJobModel('iris', 1))).status).toBe(409);
  });

  test('bad requests: a running or unknown train job, a GPU, unknown fields', async () => {
    const datasets = await client.getDatasets();
    const tiny = (await client.getAvailableModels(TASK)).find((m) => m.name === 'tiny')!;
    await client.createTrainJob({ app: 'busy', task: TASK, trainDatasetId: datasets[0]!.id, valDatasetId: datasets[0]!.id, modelIds: [tiny.id], budget: { MODEL_TRIAL_COUNT: 1000, GPU_COUNT: 0 } });
    const running = await failure(client.createInferenceJob('busy'));
    expect(running.status).toBe(409);
    expect(running.message).toMatch(/^train job busy v1 is (STARTED|RUNNING); stop it or wait for it to end, then deploy its completed trials$/);
    await client.stopTrainJob('busy');
    expect((await failure(client.createInferenceJob('nothing-here'))).status).toBe(404);
    const gpu = await failure(client.createInferenceJob('iris', -1, { GPU_COUNT: 2 }));
    expect([gpu.status, gpu.message]).toEqual([400, 'budget: GPU_COUNT is 2 but this Rafiki has no GPU; use 0']);
    const replicas = await failure(client.createInferenceJob('iris', -1, { REPLICA_COUNT: 0 }));
    expect(replicas.message).toContain("'budget.REPLICA_COUNT' must be an integer from 1 to 16");
    const frontends = await failure(client.createInferenceJob('iris', -1, { FRONTEND_COUNT: 2 }));
    expect([frontends.status, frontends.message]).toEqual([400, "budget: FRONTEND_COUNT is 2 but frontends share a job's queries through Redis, which this Rafiki has not (REDIS_URL); use 1"]);
  });

  test('a frontend killed is started again on its port, and the job stays RUNNING', async () => {
    const job = await client.createInferenceJob('iris', -1, { GPU_COUNT: 0 });
    const frontendOf = async () => (await admin.store.services.ofInferenceJob(job.id)).find((s) => s.kind === 'PREDICTOR' && s.status === 'RUNNING');
    const killed = (await frontendOf())!;
    process.kill(killed.pid!, 'SIGKILL');
    const again = await waitUntil('a new frontend', async () => {
      const frontend = await frontendOf();
      return frontend && frontend.id !== killed.id ? frontend : null;
    });
    expect(again.port).toBe(killed.port);
    const now = await client.getRunningInferenceJob('iris');
    expect([now.status, now.predictor_host]).toEqual(['RUNNING', job.predictor_host]);
    const probabilities = (await client.predict(now.predictor_host!, SETOSA)) as number[];
    expect(probabilities.indexOf(Math.max(...probabilities))).toBe(0);
    const ended = (await admin.store.services.ofInferenceJob(job.id)).find((s) => s.id === killed.id)!;
    expect([ended.status, ended.error]).toEqual(['ERRORED', 'was killed by SIGKILL']);
    await client.stopInferenceJob('iris');
  });

  test('an ERRORED train job deploys what completed; one whose trials all failed is refused, saying why', async () => {
    const [dataset] = await client.getDatasets();
    const bundled = await bundleTemplate(BEHAVIOURS);
    const late = await client.createModel({ name: 'fails-after-first', task: TASK, file: bundled, modelClass: 'FailsAfterFirst' });
    const doomed = await client.createModel({ name: 'always-throws', task: TASK, file: bundled, modelClass: 'AlwaysThrows' });
    const train = (app: string, modelId: string) =>
      client.createTrainJob({ app, task: TASK, trainDatasetId: dataset!.id, valDatasetId: dataset!.id, modelIds: [modelId], budget: { MODEL_TRIAL_COUNT: 10, GPU_COUNT: 0 } });

    await train('late', late.id);
    expect((await finished(client, 'late')).status).toBe('ERRORED');
    const trials = await client.getTrials('late');
    expect(trials.map((trial) => trial.status)).toEqual(['COMPLETED', 'ERRORED', 'ERRORED', 'ERRORED', 'ERRORED', 'ERRORED']);
    // The job's owner sees where the template failed: its stack, beside the one-line error.
    expect(trials[1]!.error).toBe('trial 2 of this worker fails');
    expect(trials[1]!.error_stack).toMatch(/^Error: trial 2 of this worker fails\n\s+at .*train/);
    expect(trials[0]!.error_stack).toBeNull();
    const job = await client.createInferenceJob('late', -1, { GPU_COUNT: 0 });
    expect(job.trial_ids).toEqual([trials[0]!.id]);
    const probabilities = (await client.predict(job.predictor_host!, SETOSA)) as number[];
    expect(probabilities.indexOf(Math.max(...probabilities))).toBe(0);
    await client.stopInferenceJob('late');

    await train('doomed', doomed.id);
    expect((await finished(client, 'doomed')).status).toBe('ERRORED');
    const refused = await failure(client.createInferenceJob('doomed', -1, { GPU_COUNT: 0 }));
    expect([refused.status, refused.message]).toEqual([409,
      "train job doomed v1 (ERRORED) has no completed trial to deploy (its trials: 5 ERRORED); the job's error: 5 trials failed in a row; the last: this template always fails"]);
  });
});
