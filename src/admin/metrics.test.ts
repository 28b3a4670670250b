/** The Admin's metrics over a real store (every backend): counts read at each scrape, trial durations from the transitions. */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { backendNames, createBackend, type Backend } from '../../test/support/databases.ts';
import { ScriptedTraining, seed } from '../../test/support/scripted-jobs.ts';
import { JobTransitions } from './jobs/transitions.ts';
import { TrainJobs } from './jobs/train-jobs.ts';
import { adminMetrics, type AdminMetrics } from './metrics.ts';
import { openStore, type Store } from './store/store.ts';

setDefaultTimeout(60_000);

for (const backendName of backendNames) {
  describe(`admin metrics on ${backendName}`, () => {
    let backend: Backend;
    let store: Store;
    let metrics: AdminMetrics;

    beforeAll(async () => {
      backend = await createBackend(backendName);
      store = await openStore({ url: backend.databaseUrl, dataDir: backend.dataDir });
    });
    afterAll(async () => {
      await store.close();
      await backend.dispose();
    });

    const value = async (series: string) => {
      const text = await metrics.text();
      return Number(text.match(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm'))?.[1]);
    };

    test('jobs and trials by status, trials pending under a trial limit, durations of ended trials', async () => {
      metrics = adminMetrics(store.counts);
      const transitions = new JobTransitions(store, (t) => metrics.transition(t));
      const s = await seed(store);
      const adminId = crypto.randomUUID();
      await store.admins.register({ id: adminId, hostname: 'test', pid: process.pid });
      const training = new ScriptedTraining(store, transitions);
      const jobs = new TrainJobs({ adminId, store, training, transitions });
      const start = (app: string, limit: number, modelIds = [s.softmax.id]) =>
        jobs.start(s.dev, { app, task: 'TABULAR_CLASSIFICATION', train_dataset_id: s.iris.id, val_dataset_id: s.iris.id, model_ids: modelIds, budget: { MODEL_TRIAL_COUNT: limit } });

      expect(await value('rafiki_train_jobs{status="RUNNING"}')).toBe(0);
      expect(await value('rafiki_trials_pending')).toBe(0);

      const done = await start('done', 3);
      await training.play(done.id, [
        { modelId: s.softmax.id, status: 'COMPLETED', score: 0.9 }, { modelId: s.softmax.id, status: 'TERMINATED', score: 0.5 }, { modelId: s.softmax.id, status: 'ERRORED', error: 'boom' },
      ]);
      await start('limited', 10, [s.softmax.id, s.knn.id]);
      await start('unlimited', -1);

      expect(await value('rafiki_train_jobs{status="STOPPED"}')).toBe(1);
      expect(await value('rafiki_train_jobs{status="STARTED"}')).toBe(2);
      expect(await value('rafiki_trials{status="COMPLETED"}')).toBe(1);
      expect(await value('rafiki_trials{status="ERRORED"}')).toBe(1);
      expect(await value('rafiki_trials{status="RUNNING"}')).toBe(0);
      // Two sub-jobs of 10 trials each still to start; the unlimited job adds none.
      expect(await value('rafiki_trials_pending')).toBe(20);
      for (const status of ['COMPLETED', 'TERMINATED', 'ERRORED']) expect(await value(`rafiki_trial_duration_seconds_count{status="${status}"}`)).toBe(1);
      expect(await value('rafiki_inference_jobs{status="RUNNING"}')).toBe(0);
    });
  });
}
