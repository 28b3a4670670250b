/** Train jobs' use cases on a real store, without a server or workers (test/support/scripted-jobs.ts). */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { backendNames, createBackend, type Backend } from '../../../test/support/databases.ts';
import { recordedTransitions, refusal, ScriptedTraining, seed } from '../../../test/support/scripted-jobs.ts';
import { openStore, type Store } from '../store/store.ts';
import { errorStackFor, TrainJobs, trainBudget, type StartTrainJob } from './train-jobs.ts';

setDefaultTimeout(60_000);

for (const backendName of backendNames) {
  describe(`train job use cases on ${backendName}`, () => {
    let backend: Backend;
    let store: Store;
    let s: Awaited<ReturnType<typeof seed>>;
    let training: ScriptedTraining;
    let jobs: TrainJobs;
    let told: ReturnType<typeof recordedTransitions>['told'];

    beforeAll(async () => {
      backend = await createBackend(backendName);
      store = await openStore({ url: backend.databaseUrl, dataDir: backend.dataDir });
      s = await seed(store);
      const recorded = recordedTransitions(store);
      told = recorded.told;
      training = new ScriptedTraining(store, recorded.transitions);
      const adminId = crypto.randomUUID();
      await store.admins.register({ id: adminId, hostname: 'test', pid: process.pid });
      jobs = new TrainJobs({ adminId, store, training, transitions: recorded.transitions });
    });
    afterAll(async () => {
      await store.close();
      await backend.dispose();
    });

    const request = (app: string, change: Partial<StartTrainJob> = {}): StartTrainJob => ({
      app, task: 'TABULAR_CLASSIFICATION', train_dataset_id: s.iris.id, val_dataset_id: s.iris.id, model_ids: [s.softmax.id], ...change,
    });

    test('a budget is the defaults under what the request says; a GPU is refused', async () => {
      expect(trainBudget({ MODEL_TRIAL_COUNT: 4 })).toEqual({ MODEL_TRIAL_COUNT: 4, TIME_HOURS: 0.1, WORKER_COUNT: 1, GPU_COUNT: 0 });
      expect(await refusal(jobs.start(s.dev, request('gpu', { budget: { GPU_COUNT: 1 } }))))
        .toEqual({ status: 400, message: 'budget: GPU_COUNT is 1 but this Rafiki has no GPU; use 0' });
    });

    test('starts a job with the default budget, tells its creation and hands it to training; a second one of the app while it runs is 409', async () => {
      const job = await jobs.start(s.dev, request('iris', { model_ids: [s.softmax.id, s.knn.id] }));
      expect(job).toMatchObject({ app: 'iris', appVersion: 1, status: 'STARTED', budget: { MODEL_TRIAL_COUNT: -1, TIME_HOURS: 0.1, WORKER_COUNT: 1, GPU_COUNT: 0 } });
      expect(training.started.map((j) => j.id)).toContain(job.id);
      expect(told).toContainEqual({ entity: 'train_job', id: job.id, app: 'iris', appVersion: 1, from: null, status: 'STARTED', error: null });
      expect(await refusal(jobs.start(s.dev, request('iris')))).toEqual({ status: 409, message: 'app iris already has a running train job; stop it first' });
      expect((await jobs.subJobs(job)).map((d) => d.modelName).sort()).toEqual(['knn', 'softmax']);
    });

    test("datasets must be the caller's own and of the task; templates visible and of the task, each once", async () => {
      expect(await refusal(jobs.start(s.dev, request('a', { train_dataset_id: s.othersData.id }))))
        .toEqual({ status: 404, message: `train_dataset_id: dataset ${s.othersData.id} not found among your datasets` });
      expect(await refusal(jobs.start(s.dev, request('a', { val_dataset_id: s.diabetes.id }))))
        .toEqual({ status: 400, message: 'val_dataset_id: dataset diabetes is for TABULAR_REGRESSION, not TABULAR_CLASSIFICATION' });
      expect((await refusal(jobs.start(s.dev, request('a', { model_ids: [s.softmax.id, s.softmax.id] })))).message).toBe('model_ids: a model is listed twice');
      expect(await refusal(jobs.start(s.dev, request('a', { model_ids: [s.secret.id] })))).toEqual({ status: 404, message: `model ${s.secret.id} not found` });
      expect(await refusal(jobs.start(s.dev, request('a', { model_ids: [s.ridge.id] }))))
        .toEqual({ status: 400, message: 'model_ids: model ridge is for TABULAR_REGRESSION, not TABULAR_CLASSIFICATION' });
    });

    test('the job follows its sub-jobs: RUNNING, then ERRORED when every one failed, with their errors', async () => {
      const job = await jobs.start(s.dev, request('failing', { model_ids: [s.softmax.id, s.knn.id] }));
      await training.play(job.id, [{ modelId: s.softmax.id, status: 'ERRORED', error: 'boom' }], {
        [s.softmax.id]: { status: 'ERRORED', error: '5 trials failed in a row' }, [s.knn.id]: { status: 'ERRORED', error: 'its worker died' },
      });
      const ended = await jobs.get(s.dev, 'failing', -1);
      expect(ended.status).toBe('ERRORED');
      expect(ended.error!.split('; ').sort()).toEqual(['5 trials failed in a row', 'its worker died']);
      expect(ended.stoppedAt).not.toBeNull();
      const moves = told.filter((t) => t.entity === 'train_job' && t.id === job.id).map((t) => t.status);
      expect(moves).toEqual(['STARTED', 'RUNNING', 'ERRORED']);
      const trial = told.find((t) => t.entity === 'trial' && t.status === 'ERRORED');
      expect(trial).toMatchObject({ error: 'boom', no: 1 });
    });

    test('stop ends a job at work; stopping it again is 409', async () => {
      await jobs.start(s.dev, request('stop-me'));
      expect((await jobs.stop(s.dev, 'stop-me', -1)).status).toBe('STOPPED');
      expect(await refusal(jobs.stop(s.dev, 'stop-me', 1))).toEqual({ status: 409, message: 'train job stop-me v1 is already STOPPED' });
      expect(await refusal(jobs.stop(s.dev, 'stop-me', 7))).toEqual({ status: 404, message: 'no train job of app stop-me version 7' });
    });

    test("lists: one's own; others' for admins only. Trials: the owner's and admins'; others get 404", async () => {
      expect((await jobs.ofUser(s.dev)).map((j) => j.app)).toContain('iris');
      expect(await refusal(jobs.ofUser(s.other, s.dev.id))).toEqual({ status: 403, message: "only admins list other users' train jobs" });
      expect((await jobs.ofUser(s.admin, s.dev.id)).length).toBeGreaterThan(0);
      const { trials } = await jobs.trials(s.dev, 'failing', -1);
      expect((await jobs.trial(s.admin, trials[0]!.id)).trial.id).toBe(trials[0]!.id);
      expect(await refusal(jobs.trial(s.other, trials[0]!.id))).toEqual({ status: 404, message: `trial ${trials[0]!.id} not found` });
      expect(await refusal(jobs.trialParameters(s.dev, trials[0]!.id))).toEqual({ status: 404, message: `trial ${trials[0]!.id} has no saved parameters (it is ERRORED)` });
    });

    test("a failed trial's stack is its job owner's and admins'; anyone else gets none", async () => {
      const job = await jobs.get(s.dev, 'failing', -1);
      const trial = { errorStack: 'Error: boom\n    at train (template.ts:3:11)' };
      expect(errorStackFor(s.dev, job, trial)).toBe(trial.errorStack);
      expect(errorStackFor(s.admin, job, trial)).toBe(trial.errorStack);
      expect(errorStackFor(s.other, job, trial)).toBeNull();
    });
  });
}
