/** Inference jobs' use cases on a real store, without a server or a frontend (test/support/scripted-jobs.ts). */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { backendNames, createBackend, type Backend } from '../../../test/support/databases.ts';
import { recordedTransitions, refusal, ScriptedInference, ScriptedTraining, seed, type ScriptedTrial } from '../../../test/support/scripted-jobs.ts';
import { openStore, type Store } from '../store/store.ts';
import { InferenceJobs } from './inference-jobs.ts';
import { TrainJobs } from './train-jobs.ts';

setDefaultTimeout(60_000);

for (const backendName of backendNames) {
  describe(`inference job use cases on ${backendName}`, () => {
    let backend: Backend;
    let store: Store;
    let s: Awaited<ReturnType<typeof seed>>;
    let training: ScriptedTraining;
    let trainJobs: TrainJobs;
    let jobs: InferenceJobs;

    beforeAll(async () => {
      backend = await createBackend(backendName);
      store = await openStore({ url: backend.databaseUrl, dataDir: backend.dataDir });
      s = await seed(store);
      const { transitions } = recordedTransitions(store);
      const adminId = crypto.randomUUID();
      await store.admins.register({ id: adminId, hostname: 'test', pid: process.pid });
      training = new ScriptedTraining(store, transitions);
      trainJobs = new TrainJobs({ adminId, store, training, transitions });
      jobs = new InferenceJobs({ adminId, config: { redisUrl: undefined }, store, inference: new ScriptedInference(transitions), transitions });
    });
    afterAll(async () => {
      await store.close();
      await backend.dispose();
    });

    /** A train job of `app` played to its end with these trials. */
    async function trained(app: string, trials: ScriptedTrial[], ends: Parameters<ScriptedTraining['play']>[2] = {}) {
      const job = await trainJobs.start(s.dev, { app, task: 'TABULAR_CLASSIFICATION', train_dataset_id: s.iris.id, val_dataset_id: s.iris.id, model_ids: [s.softmax.id, s.knn.id] });
      await training.play(job.id, trials, ends);
      return store.trials.ofTrainJob(job.id);
    }

    test('deploys the best completed trial of each template, or the best MODEL_COUNT overall; one at a time; stop ends it', async () => {
      const trials = await trained('iris', [
        { modelId: s.softmax.id, status: 'COMPLETED', score: 0.8 }, { modelId: s.softmax.id, status: 'COMPLETED', score: 0.9 },
        { modelId: s.knn.id, status: 'COMPLETED', score: 0.7 }, { modelId: s.knn.id, status: 'TERMINATED', score: 0.95 },
      ]);
      const byNo = (no: number) => trials.find((t) => t.no === no)!.id;
      const { job } = await jobs.deploy(s.dev, { app: 'iris' });
      expect(job).toMatchObject({ status: 'RUNNING', budget: { MODEL_COUNT: 2, REPLICA_COUNT: 1, GPU_COUNT: 0 } });
      expect(job.trialIds).toEqual([byNo(2), byNo(3)].sort());
      expect(await refusal(jobs.deploy(s.dev, { app: 'iris' }))).toEqual({ status: 409, message: 'train job iris v1 already has a running inference job' });
      expect((await jobs.serving(s.dev, 'iris', 1)).job.predictorHost).toBe(job.predictorHost!);
      expect((await jobs.stop(s.dev, 'iris', -1)).job.status).toBe('STOPPED');
      expect(await refusal(jobs.stop(s.dev, 'iris', -1))).toEqual({ status: 409, message: 'train job iris v1 has no running inference job to stop' });
      expect(await refusal(jobs.serving(s.dev, 'iris', -1))).toEqual({ status: 409, message: 'train job iris v1 has no running inference job' });

      const best = await jobs.deploy(s.dev, { app: 'iris', app_version: 1, budget: { MODEL_COUNT: 1, REPLICA_COUNT: 2 } });
      expect(best.job.trialIds).toEqual([byNo(2)]);
      expect(best.job.budget).toEqual({ MODEL_COUNT: 1, REPLICA_COUNT: 2, FRONTEND_COUNT: 1, GPU_COUNT: 0 });
      expect((await jobs.ofApp(s.dev, 'iris')).map((v) => [v.trainJob.app, v.job.status])).toEqual([['iris', 'STOPPED'], ['iris', 'RUNNING']]);
      await jobs.stop(s.dev, 'iris', 1);
    });

    test('an ERRORED job deploys its best completed trials; one whose trials all failed is refused with why', async () => {
      const trials = await trained('late-failure', [
        { modelId: s.softmax.id, status: 'COMPLETED', score: 1 }, { modelId: s.softmax.id, status: 'ERRORED', error: 'boom' },
        { modelId: s.knn.id, status: 'ERRORED', error: 'bang' },
      ], { [s.softmax.id]: { status: 'ERRORED', error: 'softmax failed' }, [s.knn.id]: { status: 'ERRORED', error: 'knn failed' } });
      expect((await trainJobs.get(s.dev, 'late-failure', -1)).status).toBe('ERRORED');
      const { job } = await jobs.deploy(s.dev, { app: 'late-failure' });
      expect(job.trialIds).toEqual([trials.find((t) => t.status === 'COMPLETED')!.id]);
      await jobs.stop(s.dev, 'late-failure', -1);

      await trained('all-failed', [{ modelId: s.knn.id, status: 'ERRORED', error: 'bang' }], { [s.softmax.id]: { status: 'ERRORED', error: 'no' }, [s.knn.id]: { status: 'ERRORED', error: 'no' } });
      const refused = await refusal(jobs.deploy(s.dev, { app: 'all-failed' }));
      expect(refused).toEqual({ status: 409, message: "train job all-failed v1 (ERRORED) has no completed trial to deploy (its trials: 1 ERRORED); the job's error: no; no" });
    });

    test('a job at work, one without a completed trial, a GPU, or an unknown app is refused', async () => {
      await trainJobs.start(s.dev, { app: 'busy', task: 'TABULAR_CLASSIFICATION', train_dataset_id: s.iris.id, val_dataset_id: s.iris.id, model_ids: [s.softmax.id] });
      expect(await refusal(jobs.deploy(s.dev, { app: 'busy' }))).toEqual({ status: 409, message: 'train job busy v1 is STARTED; stop it or wait for it to end, then deploy its completed trials' });
      await trainJobs.stop(s.dev, 'busy', -1);
      expect(await refusal(jobs.deploy(s.dev, { app: 'busy' }))).toEqual({ status: 409, message: 'train job busy v1 (STOPPED) has no completed trial to deploy (it has no trials)' });
      expect(await refusal(jobs.deploy(s.dev, { app: 'iris', budget: { GPU_COUNT: 2 } }))).toEqual({ status: 400, message: 'budget: GPU_COUNT is 2 but this Rafiki has no GPU; use 0' });
      expect(await refusal(jobs.deploy(s.dev, { app: 'nothing-here' }))).toEqual({ status: 404, message: 'no train job of app nothing-here' });
      // Another user's app of the same name is not theirs to deploy.
      expect((await refusal(jobs.deploy(s.other, { app: 'iris' }))).status).toBe(404);
      expect(await refusal(jobs.ofUser(s.other, s.dev.id))).toEqual({ status: 403, message: "only admins list other users' inference jobs" });
    });
  });
}
