/** Train jobs end to end with real worker subprocesses: budgets, stops, crashes, restarts and bad input. */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { join } from 'node:path';
import { startAdmin } from '../src/admin/server.ts';
import { Client } from '../src/client/index.ts';
import { SoftmaxRegression } from '../models/softmax_regression.ts';
import { SUPERADMIN, startTestAdmin, testConfig, type TestAdmin } from './support/admin.ts';
import { backendNames, createBackend } from './support/databases.ts';
import { isAlive, waitUntil } from './support/wait.ts';
import { failure } from './support/errors.ts';
import { bundleTemplate } from './support/services.ts';
import { BEHAVIOURS, finished, IRIS, prepare, slowJob, SOFTMAX, TASK, TINY, workerPids } from './support/train-jobs.ts';

setDefaultTimeout(180_000);

for (const backendName of backendNames) {
  describe(`a train job on ${backendName}`, () => {
    let t: TestAdmin;
    beforeAll(async () => {
      t = await startTestAdmin(backendName);
    });
    afterAll(() => t.dispose());

    test('iris with two templates, two workers each, six trials each: trials, best, logs, parameters', async () => {
      const client = t.superadmin;
      const { dataset, models } = await prepare(client, [['tiny', TINY, 'TinyCentroid'], ['softmax', SOFTMAX, 'SoftmaxRegression']]);
      const created = await client.createTrainJob({
        app: 'iris', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: models.map((m) => m.id),
        budget: { MODEL_TRIAL_COUNT: 6, WORKER_COUNT: 2, GPU_COUNT: 0 },
      });
      expect(created).toMatchObject({ app: 'iris', app_version: 1, status: 'STARTED', budget: { MODEL_TRIAL_COUNT: 6, WORKER_COUNT: 2, GPU_COUNT: 0, TIME_HOURS: 0.1 } });
      const job = await finished(client, 'iris');
      expect(job.status).toBe('STOPPED');
      expect(job.sub_train_jobs!.map((s) => [s.model_name, s.status, s.trials, s.workers.length]).sort()).toEqual([['softmax', 'STOPPED', 6, 2], ['tiny', 'STOPPED', 6, 2]]);
      expect(job.sub_train_jobs!.flatMap((s) => s.workers.map((w) => w.status))).toEqual(['STOPPED', 'STOPPED', 'STOPPED', 'STOPPED']);
      for (const pid of workerPids(job)) expect(isAlive(pid)).toBe(false);

      const trials = await client.getTrials('iris');
      expect(trials).toHaveLength(12);
      for (const model of ['tiny', 'softmax']) {
        expect(trials.filter((x) => x.model_name === model).map((x) => x.no).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      }
      expect(trials.every((x) => ['COMPLETED', 'TERMINATED'].includes(x.status) && x.score !== null)).toBe(true);
      const best = await client.getBestTrials('iris', -1, 3);
      expect(best).toHaveLength(3);
      expect(best.every((x) => x.status === 'COMPLETED')).toBe(true);
      expect(best.map((x) => x.score)).toEqual([...best.map((x) => x.score!)].sort((a, b) => b - a));
      expect(best[0]!.score).toBeGreaterThan(0.9);

      const softmaxTrial = trials.find((x) => x.model_name === 'softmax' && x.status === 'COMPLETED')!;
      const logs = await client.getTrialLogs(softmaxTrial.id);
      expect(logs.plots.length).toBeGreaterThan(0);
      expect(logs.metrics.length).toBeGreaterThan(0);
      expect(logs.metrics[0]).toHaveProperty('time');
      const model = await client.loadTrialModel(softmaxTrial.id, SoftmaxRegression);
      const [probabilities] = (await model.predict([{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }])) as number[][];
      expect(probabilities!.indexOf(Math.max(...probabilities!))).toBe(0);
      expect((await client.getTrial(softmaxTrial.id)).knobs).toEqual(softmaxTrial.knobs);

      // Its ONNX export runs elsewhere and answers as the template does; a template with no toOnnx has none, and says so.
      const onnx = await client.downloadTrialOnnx(softmaxTrial.id);
      const ort = await import('onnxruntime-node');
      const session = await ort.InferenceSession.create(onnx);
      const output = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array([5.1, 3.5, 1.4, 0.2]), [1, 4]) });
      [...(output[session.outputNames[0]!]!.data as Float32Array)].forEach((p, k) => expect(p).toBeCloseTo(probabilities![k]!, 4));
      const tinyTrial = trials.find((x) => x.model_name === 'tiny' && x.status === 'COMPLETED')!;
      const none = await failure(client.downloadTrialOnnx(tinyTrial.id));
      expect({ status: none.status, message: none.message }).toEqual({ status: 404, message: `trial ${tinyTrial.id} has no ONNX model: its template tiny does not export one (it has no toOnnx; its own predict serves it)` });
      const stranger = new Client({ adminUrl: t.admin.url });
      await client.createUser({ email: 'onnx-stranger@example.com', password: 'a long password', userType: 'APP_DEVELOPER' });
      await stranger.login('onnx-stranger@example.com', 'a long password');
      expect((await failure(stranger.downloadTrialOnnx(softmaxTrial.id))).status).toBe(404);

      // tiny uploaded again is its version 2; the first job keeps version 1, which it was started with.
      const tinyV2 = await client.createModel({ name: 'tiny', task: TASK, file: await bundleTemplate(TINY), modelClass: 'TinyCentroid' });
      expect(tinyV2.version).toBe(2);
      const again = await client.createTrainJob({ app: 'iris', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [tinyV2.id], budget: { MODEL_TRIAL_COUNT: 1, GPU_COUNT: 0 } });
      expect(again.app_version).toBe(2);
      await finished(client, 'iris');
      expect((await client.getTrainJobs({ app: 'iris' })).map((j) => j.app_version)).toEqual([1, 2]);
      const [first, second] = await Promise.all([client.getTrainJob('iris', 1), client.getTrainJob('iris', 2)]);
      expect(first.sub_train_jobs!.find((s) => s.model_name === 'tiny')).toMatchObject({ model_id: models[0]!.id, model_version: 1 });
      expect(second.sub_train_jobs).toMatchObject([{ model_id: tinyV2.id, model_name: 'tiny', model_version: 2 }]);
      expect((await client.getTrials('iris', 1)).filter((x) => x.model_name === 'tiny').map((x) => [x.model_id, x.model_version])).toEqual(Array(6).fill([models[0]!.id, 1]));
      expect((await client.getTrials('iris', 2)).map((x) => [x.model_id, x.model_version])).toEqual([[tinyV2.id, 2]]);
    });

    test('the Admin stopped mid-job and started again: running trials are interrupted, the job resumes with a warm-started Advisor', async () => {
      const backend = await createBackend(backendName);
      const config = testConfig(backend);
      let admin = await startAdmin(config);
      try {
        const client = await slowJob(admin.url, 'resume', 6);
        await waitUntil('two trials to finish', async () => (await client.getTrials('resume')).filter((x) => x.status !== 'RUNNING').length >= 2);
        const before = await client.getTrainJob('resume');
        await admin.stop();
        for (const pid of workerPids(before)) expect(isAlive(pid)).toBe(false);

        admin = await startAdmin(config);
        const after = new Client({ adminUrl: admin.url });
        await after.login(SUPERADMIN.email, SUPERADMIN.password);
        const job = await finished(after, 'resume');
        const trials = await after.getTrials('resume');
        expect(job.status).toBe('STOPPED');
        expect(trials.filter((x) => x.error === 'interrupted: the Admin stopped while it ran')).toHaveLength(1);
        expect(trials.map((x) => x.no).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
        expect(new Set(trials.map((x) => x.worker_id)).size).toBeGreaterThan(1);
      } finally {
        await admin.stop();
        await backend.dispose();
      }
    });
  });
}

describe('train job faults and bad input', () => {
  let t: TestAdmin;
  let client: Client;
  let datasetId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestAdmin('embedded', { RAFIKI_WORKER_MEMORY_MB: '400' });
    client = t.superadmin;
    const { dataset, models } = await prepare(client, [
      ['tiny', TINY, 'TinyCentroid'], ['slow', BEHAVIOURS, 'SlowCentroid'], ['throws', BEHAVIOURS, 'AlwaysThrows'],
      ['hangs', BEHAVIOURS, 'Hangs'], ['hog', BEHAVIOURS, 'MemoryHog'],
    ]);
    datasetId = dataset.id;
    for (const m of models) ids[m.name] = m.id;
  });
  afterAll(() => t.dispose());

  const start = (app: string, modelNames: string[], budget: Record<string, number> = {}) =>
    client.createTrainJob({ app, task: TASK, trainDatasetId: datasetId, valDatasetId: datasetId, modelIds: modelNames.map((n) => ids[n]!), budget: { GPU_COUNT: 0, ...budget } });

  test('a stop mid-job ends running trials as TERMINATED and leaves no worker', async () => {
    await start('stop-me', ['slow'], { MODEL_TRIAL_COUNT: 50, WORKER_COUNT: 2 });
    await waitUntil('a running trial', async () => (await client.getTrials('stop-me')).some((x) => x.status === 'RUNNING'));
    const running = await client.getTrainJob('stop-me');
    const stopped = await client.stopTrainJob('stop-me');
    expect(stopped.status).toBe('STOPPED');
    const trials = await client.getTrials('stop-me');
    expect(trials.some((x) => x.status === 'TERMINATED' && x.error === 'stopped with its train job')).toBe(true);
    expect(trials.some((x) => x.status === 'RUNNING')).toBe(false);
    for (const pid of workerPids(running)) expect(isAlive(pid)).toBe(false);
    const error = await failure(client.stopTrainJob('stop-me'));
    expect([error.status, error.message]).toEqual([409, 'train job stop-me v1 is already STOPPED']);
  });

  test('a worker killed with SIGKILL mid-trial: that trial ERRORED, the worker restarted, the job goes on', async () => {
    await start('kill-me', ['slow'], { MODEL_TRIAL_COUNT: 4 });
    await waitUntil('a running trial', async () => (await client.getTrials('kill-me')).some((x) => x.status === 'RUNNING'));
    const [pid] = workerPids(await client.getTrainJob('kill-me'));
    process.kill(pid!, 'SIGKILL');
    const job = await finished(client, 'kill-me');
    const trials = await client.getTrials('kill-me');
    expect(job.status).toBe('STOPPED');
    expect(trials.filter((x) => x.status === 'ERRORED').map((x) => x.error)).toEqual(['the worker was killed by SIGKILL']);
    expect(trials.filter((x) => x.status !== 'ERRORED')).toHaveLength(3);
    expect(job.sub_train_jobs![0]!.workers.map((w) => w.status)).toEqual(['ERRORED', 'STOPPED']);
  });

  test('a template that always throws: its sub-job ERRORED after 5 in a row, with the reason; the other goes on', async () => {
    await start('throws', ['throws', 'tiny'], { MODEL_TRIAL_COUNT: 8 });
    const job = await finished(client, 'throws');
    const subs = Object.fromEntries(job.sub_train_jobs!.map((s) => [s.model_name, s]));
    expect(subs.throws).toMatchObject({ status: 'ERRORED', trials: 5, error: '5 trials failed in a row; the last: this template always fails' });
    expect(subs.tiny).toMatchObject({ status: 'STOPPED', trials: 8 });
    expect(job.status).toBe('STOPPED');
    const errored = (await client.getTrials('throws')).filter((x) => x.model_name === 'throws');
    expect(errored.every((x) => x.status === 'ERRORED' && x.error === 'this template always fails')).toBe(true);
    // Its owner finds where it failed in the trial's logs: the template's stack, as its sandbox names its file.
    const { messages } = await client.getTrialLogs(errored[0]!.id);
    const stack = messages.find((m) => m.message.startsWith('Error: this template always fails'))?.message;
    expect(stack).toMatch(/\n\s+at .*train/);
    expect(stack).not.toContain(t.backend.dataDir);
    // and on the trial itself, beside its one-line error.
    expect(errored[0]!.error_stack).toBe(stack!);
    const noModel = await failure(client.downloadTrialOnnx(errored[0]!.id));
    expect({ status: noModel.status, message: noModel.message }).toEqual({ status: 404, message: expect.stringContaining('has no ONNX model: it is ERRORED and saved no model') });
  });

  test('a template that hangs: the time budget ends it', async () => {
    await start('hangs', ['hangs'], { TIME_HOURS: 1 / 3600 });
    const job = await finished(client, 'hangs');
    const trials = await client.getTrials('hangs');
    expect(job.status).toBe('STOPPED');
    expect(trials.map((x) => [x.status, x.error])).toEqual([['TERMINATED', 'the time budget ran out']]);
    for (const pid of workerPids(job)) expect(isAlive(pid)).toBe(false);
  });

  test('a worker over its memory limit is killed, with the reason on the trial', async () => {
    await start('hog', ['hog'], { MODEL_TRIAL_COUNT: 1 });
    await finished(client, 'hog');
    const [trial] = await client.getTrials('hog');
    expect(trial!.status).toBe('ERRORED');
    expect(trial!.error).toMatch(/^the worker killed: \d+ MB used, over the limit of 400 MB$/);
  });

  test('bad requests are 4xx with the reason', async () => {
    const other = new Client({ adminUrl: t.admin.url });
    await client.createUser({ email: 'other@example.com', password: 'a long password', userType: 'APP_DEVELOPER' });
    await other.login('other@example.com', 'a long password');
    const foreignDataset = await other.createDataset({ name: 'theirs', task: TASK, file: IRIS });
    const regression = await client.createDataset({ name: 'diabetes', task: 'TABULAR_REGRESSION', file: join(import.meta.dir, 'fixtures/diabetes.csv') });
    const oneClass = await client.createDataset({ name: 'setosa-only', task: TASK, file: new TextEncoder().encode('a,b,class\n1,2,setosa\n3,4,setosa\n') });
    const base: Parameters<Client['createTrainJob']>[0] = { app: 'bad', task: TASK, trainDatasetId: datasetId, valDatasetId: datasetId, modelIds: [ids.tiny!] };
    const cases: [Parameters<Client['createTrainJob']>[0], number, string][] = [
      [{ ...base, trainDatasetId: crypto.randomUUID() }, 404, 'train_dataset_id: dataset'],
      [{ ...base, valDatasetId: regression.id }, 400, 'val_dataset_id: dataset diabetes is for TABULAR_REGRESSION, not TABULAR_CLASSIFICATION'],
      [{ ...base, modelIds: [] }, 400, "'model_ids' must be a list of 1 to 50 model ids"],
      [{ ...base, modelIds: [crypto.randomUUID()] }, 404, 'not found'],
      [{ ...base, budget: { MODEL_TRIAL_COUNT: 1, BANANAS: 2 } as never }, 400, "'budget.BANANAS' is not an accepted field"],
      [{ ...base, budget: { WORKER_COUNT: -1 } }, 400, "'budget.WORKER_COUNT' must be an integer from 1 to 64"],
      [{ ...base, budget: { GPU_COUNT: 1 } }, 400, 'budget: GPU_COUNT is 1 but this Rafiki has no GPU; use 0'],
      [{ ...base, app: 'no spaces please' }, 400, "'app' must be an app name"],
      [{ ...base, trainArgs: { target: 'colour' } }, 400, 'train_args.target: dataset iris has no column "colour"'],
      [{ ...base, trainArgs: { features: ['sepal_length', 'petals'] } }, 400, 'train_args.features: dataset iris has no column "petals"'],
      [{ ...base, trainDatasetId: oneClass.id }, 400, 'train_dataset_id: dataset setosa-only has one class ("setosa"); a classifier learns from at least two'],
    ];
    for (const [options, status, message] of cases) {
      const error = await failure(client.createTrainJob(options));
      expect({ status: error.status, message: error.message }).toEqual({ status, message: expect.stringContaining(message) });
    }
    const foreign = await failure(other.createTrainJob({ ...base, modelIds: [ids.tiny!], trainDatasetId: datasetId }));
    expect(foreign.status).toBe(404);
    expect((await failure(client.createTrainJob({ ...base, trainDatasetId: foreignDataset.id }))).status).toBe(404);

    await start('busy', ['slow'], { MODEL_TRIAL_COUNT: 50 });
    const busy = await failure(start('busy', ['tiny']));
    expect([busy.status, busy.message]).toEqual([409, 'app busy already has a running train job; stop it first']);
    await client.stopTrainJob('busy');
    expect((await failure(client.getTrainJob('never-made'))).status).toBe(404);
    expect((await failure(other.getTrainJob('busy'))).status).toBe(404);
    expect((await failure(other.getTrainJobs({ userId: t.superadmin.getCurrentUser().id }))).status).toBe(403);
  });
});
