/** /inference_jobs: deploy an ended train job's best completed trials behind a query frontend; list; stop. */
import { Elysia, t } from 'elysia';
import { DEVELOPER_TYPES } from '../../common/domain.ts';
import { RafikiError } from '../../common/errors.ts';
import { guard } from '../auth/guard.ts';
import type { AdminDeps } from '../context.ts';
import { InferenceJobs, type InferenceJobView } from '../jobs/inference-jobs.ts';
import { predictorAsker, relayAnswer } from '../inference/predictor-proxy.ts';
import { servingFigures } from '../inference/serving-figures.ts';
import { CreateInferenceJobBody, InferenceJobResponse, PredictBody, ServingFiguresResponse } from '../schemas/inference-jobs.ts';
import { AppParams, AppVersionParams, UserQuery } from '../schemas/train-jobs.ts';
import type { InferenceJobRecord } from '../store/inference-jobs.ts';
import type { TrainJobRecord } from '../store/train-jobs.ts';

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
    predictor_hosts: job.predictorHosts,
    trial_ids: job.trialIds,
    datetime_started: job.startedAt.toISOString(),
    datetime_stopped: job.stoppedAt?.toISOString() ?? null,
  };
}

export const inferenceJobRoutes = (deps: AdminDeps) => {
  const jobs = new InferenceJobs(deps);
  const json = ({ job, trainJob }: InferenceJobView) => inferenceJobJson(job, trainJob);
  const ask = predictorAsker(deps.config.tlsCert);

  return new Elysia()
    .use(guard(deps))
    .post('/inference_jobs', async ({ body, caller }) => json(await jobs.deploy(caller, body)),
      { roles: DEVELOPER_TYPES, body: CreateInferenceJobBody, response: { 200: InferenceJobResponse }, detail: { summary: "Deploy the best completed trials of a train job that has ended (STOPPED or ERRORED)", tags: ['inference jobs'] } })
    .get('/inference_jobs', async ({ query, caller }) => (await jobs.ofUser(caller, query.user_id)).map(json),
      { roles: DEVELOPER_TYPES, query: UserQuery, response: { 200: t.Array(InferenceJobResponse) }, detail: { summary: "A user's inference jobs", tags: ['inference jobs'] } })
    .get('/inference_jobs/:app', async ({ params, caller }) => (await jobs.ofApp(caller, params.app)).map(json),
      { roles: DEVELOPER_TYPES, params: AppParams, response: { 200: t.Array(InferenceJobResponse) }, detail: { summary: "An app's inference jobs", tags: ['inference jobs'] } })
    .get('/inference_jobs/:app/:app_version', async ({ params, caller }) => json(await jobs.running(caller, params.app, params.app_version)),
      { roles: DEVELOPER_TYPES, params: AppVersionParams, response: { 200: InferenceJobResponse }, detail: { summary: 'The running inference job of an app version (-1: the latest)', tags: ['inference jobs'] } })
    .get('/inference_jobs/:app/:app_version/model', async ({ params, caller, request }) => {
      const { job, trainJob } = await jobs.serving(caller, params.app, params.app_version);
      return relayAnswer(await ask(job, request, 'GET', `/v2/models/${encodeURIComponent(trainJob.app)}`));
    }, { roles: DEVELOPER_TYPES, params: AppVersionParams, detail: { summary: "The running job's model as its predictor describes it (KServe v2 metadata: inputs, columns, classes)", tags: ['inference jobs'] } })
    .post('/inference_jobs/:app/:app_version/predict', async ({ params, caller, request, body }) => {
      const { job } = await jobs.serving(caller, params.app, params.app_version);
      return relayAnswer(await ask(job, request, 'POST', '/predict', { query: body.query }));
    }, { roles: DEVELOPER_TYPES, params: AppVersionParams, body: PredictBody, detail: { summary: 'One query to the running job, through the Admin (what the dashboard\'s try-it panel sends); queries in bulk go to its predictor_host', tags: ['inference jobs'] } })
    .get('/inference_jobs/:app/:app_version/serving', async ({ params, caller, request }) => {
      const { job } = await jobs.serving(caller, params.app, params.app_version);
      const answer = await ask(job, request, 'GET', '/metrics');
      if (answer.status !== 200) throw new RafikiError('UNAVAILABLE', `the predictor answered ${answer.status} for its metrics: ${answer.text.slice(0, 200)}`);
      return servingFigures(answer.text);
    }, { roles: DEVELOPER_TYPES, params: AppVersionParams, response: { 200: ServingFiguresResponse }, detail: { summary: "The running job's serving figures since its start: answers by status, latency and batch-size histograms", tags: ['inference jobs'] } })
    .post('/inference_jobs/:app/:app_version/stop', async ({ params, caller }) => json(await jobs.stop(caller, params.app, params.app_version)),
      { roles: DEVELOPER_TYPES, params: AppVersionParams, response: { 200: InferenceJobResponse }, detail: { summary: 'Stop an inference job', tags: ['inference jobs'] } });
};
