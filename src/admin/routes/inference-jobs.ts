/** /inference_jobs: deploy a stopped train job's best trials behind a query frontend; list; stop. */
import { Elysia, t } from 'elysia';
import { readFileSync } from 'node:fs';
import { DEVELOPER_TYPES } from '../../common/domain.ts';
import { badRequest, conflict, forbidden, notFound, RafikiError } from '../../common/errors.ts';
import { isAdmin } from '../access.ts';
import { guard, type Caller } from '../auth/guard.ts';
import type { AdminDeps } from '../context.ts';
import { askPredictor } from '../inference/predictor-proxy.ts';
import { servingFigures } from '../inference/serving-figures.ts';
import { CreateInferenceJobBody, InferenceJobResponse, PredictBody, ServingFiguresResponse } from '../schemas/inference-jobs.ts';
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

  const runningJobOf = async (caller: Caller, app: string, version: number) => {
    const trainJob = await trainJobOf(caller, app, version);
    const job = await deps.store.inferenceJobs.runningOf(trainJob.id);
    if (!job?.predictorHost || job.status !== 'RUNNING') throw conflict(`train job ${trainJob.app} v${trainJob.appVersion} has no running inference job`);
    return { job: { ...job, predictorHost: job.predictorHost }, trainJob };
  };
  const ca = deps.config.tlsCert ? readFileSync(deps.config.tlsCert, 'utf8') : undefined;
  const ask = (job: { predictorHost: string }, request: Request, method: 'GET' | 'POST', path: string, json?: unknown) =>
    askPredictor(job.predictorHost, { method, path, authorization: request.headers.get('authorization') ?? '', ...(json !== undefined ? { json } : {}), ...(ca ? { ca } : {}) });
  // The predictor's answer as it gave it: its status, and its error's words.
  const relay = (answer: { status: number; text: string; contentType: string }) =>
    new Response(answer.text, { status: answer.status, headers: { 'content-type': answer.contentType } });

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
    .get('/inference_jobs/:app/:app_version/model', async ({ params, caller, request }) => {
      const { job, trainJob } = await runningJobOf(caller, params.app, params.app_version);
      return relay(await ask(job, request, 'GET', `/v2/models/${encodeURIComponent(trainJob.app)}`));
    }, { roles: DEVELOPER_TYPES, params: AppVersionParams, detail: { summary: "The running job's model as its predictor describes it (KServe v2 metadata: inputs, columns, classes)", tags: ['inference jobs'] } })
    .post('/inference_jobs/:app/:app_version/predict', async ({ params, caller, request, body }) => {
      const { job } = await runningJobOf(caller, params.app, params.app_version);
      return relay(await ask(job, request, 'POST', '/predict', { query: body.query }));
    }, { roles: DEVELOPER_TYPES, params: AppVersionParams, body: PredictBody, detail: { summary: 'One query to the running job, through the Admin (what the dashboard\'s try-it panel sends); queries in bulk go to its predictor_host', tags: ['inference jobs'] } })
    .get('/inference_jobs/:app/:app_version/serving', async ({ params, caller, request }) => {
      const { job } = await runningJobOf(caller, params.app, params.app_version);
      const answer = await ask(job, request, 'GET', '/metrics');
      if (answer.status !== 200) throw new RafikiError('UNAVAILABLE', `the predictor answered ${answer.status} for its metrics: ${answer.text.slice(0, 200)}`);
      return servingFigures(answer.text);
    }, { roles: DEVELOPER_TYPES, params: AppVersionParams, response: { 200: ServingFiguresResponse }, detail: { summary: "The running job's serving figures since its start: answers by status, latency and batch-size histograms", tags: ['inference jobs'] } })
    .post('/inference_jobs/:app/:app_version/stop', async ({ params, caller }) => {
      const trainJob = await trainJobOf(caller, params.app, params.app_version);
      const job = await deps.store.inferenceJobs.runningOf(trainJob.id);
      if (!job) throw conflict(`train job ${trainJob.app} v${trainJob.appVersion} has no running inference job to stop`);
      await deps.inference.stop(job.id);
      return inferenceJobJson((await deps.store.inferenceJobs.byId(job.id))!, trainJob);
    }, { roles: DEVELOPER_TYPES, params: AppVersionParams, response: { 200: InferenceJobResponse }, detail: { summary: 'Stop an inference job', tags: ['inference jobs'] } });
};
