/** /inference_jobs: deploy a stopped train job's best trials behind a query frontend; list; stop. */
import { Elysia, t } from 'elysia';
import { DEVELOPER_TYPES } from '../../common/domain.ts';
import { badRequest, conflict, forbidden, notFound, RafikiError } from '../../common/errors.ts';
import { isAdmin } from '../access.ts';
import { guard, type Caller } from '../auth/guard.ts';
import type { AdminDeps } from '../context.ts';
import { CreateInferenceJobBody, InferenceJobResponse } from '../schemas/inference-jobs.ts';
import { AppParams, AppVersionParams, UserQuery } from '../schemas/train-jobs.ts';
import type { InferenceJobRecord } from '../store/inference-jobs.ts';
import type { TrainJobRecord } from '../store/train-jobs.ts';
import type { TrialRecord } from '../store/trials.ts';

export function inferenceJobJson(job: InferenceJobRecord, trainJob: Pick<TrainJobRecord, 'app' | 'appVersion'>) {
  return {
    id: job.id,
    user_id: job.userId,
    train_job_id: job.trainJobId,
    app: trainJob.app,
    app_version: trainJob.appVersion,
    budget: job.budget,
    status: job.status,
    error: job.error,
    predictor_host: job.predictorHost,
    trial_ids: job.trialIds,
    datetime_started: job.startedAt.toISOString(),
    datetime_stopped: job.stoppedAt?.toISOString() ?? null,
  };
}

/** By default the best trial of each template; with MODEL_COUNT, the best that many overall. */
export function chooseTrials(completed: TrialRecord[], modelCount: number | undefined): TrialRecord[] {
  const ranked = [...completed].sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity));
  if (modelCount !== undefined) return ranked.slice(0, modelCount);
  const seen = new Set<string>();
  return ranked.filter((trial) => !seen.has(trial.modelId) && seen.add(trial.modelId));
}

export const inferenceJobRoutes = (deps: AdminDeps) => {
  const trainJobOf = async (caller: Caller, app: string, version: number) => {
    const job = await deps.store.trainJobs.byApp(caller.id, app, version);
    if (!job) throw notFound(`no train job of app ${app}${version === -1 ? '' : ` version ${version}`}`);
    return job;
  };
  const withApps = async (jobs: InferenceJobRecord[]) => Promise.all(jobs.map(async (job) => inferenceJobJson(job, (await deps.store.trainJobs.byId(job.trainJobId))!)));

  return new Elysia()
    .use(guard(deps))
    .post('/inference_jobs', async ({ body, caller }) => {
      const budget = { REPLICA_COUNT: 1, GPU_COUNT: 0, ...body.budget };
      if (budget.GPU_COUNT > 0) throw badRequest(`budget: GPU_COUNT is ${budget.GPU_COUNT} but this Rafiki has no GPU; use 0`);
      const trainJob = await trainJobOf(caller, body.app, body.app_version ?? -1);
      if (trainJob.status !== 'STOPPED') throw conflict(`train job ${trainJob.app} v${trainJob.appVersion} is ${trainJob.status}; only a STOPPED train job can be deployed`);
      const completed = (await deps.store.trials.ofTrainJob(trainJob.id)).filter((trial) => trial.status === 'COMPLETED' && trial.score !== null);
      const chosen = chooseTrials(completed, budget.MODEL_COUNT);
      if (chosen.length === 0) throw conflict(`train job ${trainJob.app} v${trainJob.appVersion} has no completed trial to deploy`);
      const job = await deps.store.inferenceJobs.create({
        userId: caller.id,
        trainJobId: trainJob.id,
        budget: { MODEL_COUNT: chosen.length, ...budget },
        trialIds: chosen.map((trial) => trial.id),
        adminId: deps.adminId,
      });
      if (!job) throw conflict(`train job ${trainJob.app} v${trainJob.appVersion} already has a running inference job`);
      try {
        await deps.inference.deploy(job, trainJob);
      } catch (error) {
        throw new RafikiError('UNAVAILABLE', `the inference job could not start: ${(error as Error).message}`);
      }
      return inferenceJobJson((await deps.store.inferenceJobs.byId(job.id))!, trainJob);
    }, { roles: DEVELOPER_TYPES, body: CreateInferenceJobBody, response: { 200: InferenceJobResponse }, detail: { summary: "Deploy a stopped train job's best trials", tags: ['inference jobs'] } })
    .get('/inference_jobs', async ({ query, caller }) => {
      const userId = query.user_id ?? caller.id;
      if (userId !== caller.id && !isAdmin(caller)) throw forbidden("only admins list other users' inference jobs");
      return withApps(await deps.store.inferenceJobs.ofUser(userId));
    }, { roles: DEVELOPER_TYPES, query: UserQuery, response: { 200: t.Array(InferenceJobResponse) }, detail: { summary: "A user's inference jobs", tags: ['inference jobs'] } })
    .get('/inference_jobs/:app', async ({ params, caller }) => {
      const trainJobs = await deps.store.trainJobs.ofUser(caller.id, params.app);
      return withApps(await deps.store.inferenceJobs.ofTrainJobs(trainJobs.map((j) => j.id)));
    }, { roles: DEVELOPER_TYPES, params: AppParams, response: { 200: t.Array(InferenceJobResponse) }, detail: { summary: "An app's inference jobs", tags: ['inference jobs'] } })
    .get('/inference_jobs/:app/:app_version', async ({ params, caller }) => {
      const trainJob = await trainJobOf(caller, params.app, params.app_version);
      const job = await deps.store.inferenceJobs.runningOf(trainJob.id);
      if (!job) throw notFound(`train job ${trainJob.app} v${trainJob.appVersion} has no running inference job`);
      return inferenceJobJson(job, trainJob);
    }, { roles: DEVELOPER_TYPES, params: AppVersionParams, response: { 200: InferenceJobResponse }, detail: { summary: 'The running inference job of an app version (-1: the latest)', tags: ['inference jobs'] } })
    .post('/inference_jobs/:app/:app_version/stop', async ({ params, caller }) => {
      const trainJob = await trainJobOf(caller, params.app, params.app_version);
      const job = await deps.store.inferenceJobs.runningOf(trainJob.id);
      if (!job) throw conflict(`train job ${trainJob.app} v${trainJob.appVersion} has no running inference job to stop`);
      await deps.inference.stop(job.id);
      return inferenceJobJson((await deps.store.inferenceJobs.byId(job.id))!, trainJob);
    }, { roles: DEVELOPER_TYPES, params: AppVersionParams, response: { 200: InferenceJobResponse }, detail: { summary: 'Stop an inference job', tags: ['inference jobs'] } });
};
