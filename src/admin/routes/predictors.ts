/**
 * /predictors: the running inference jobs the caller may query (app users and
 * admins: all; developers: their own), by inference job id, since an app's name
 * is unique only per developer. The dashboard's page for app users reads these,
 * and queries through them as the try-it panel does.
 */
import { Elysia, t } from 'elysia';
import { USER_TYPES } from '../../common/domain.ts';
import { conflict, notFound } from '../../common/errors.ts';
import { queryAccess } from '../../common/query-access.ts';
import { guard, type Caller } from '../auth/guard.ts';
import type { AdminDeps } from '../context.ts';
import { predictorAsker, relayAnswer } from '../inference/predictor-proxy.ts';
import { PredictBody } from '../schemas/inference-jobs.ts';
import { PredictorParams, PredictorResponse, type PredictorJson } from '../schemas/predictors.ts';
import type { InferenceJobRecord } from '../store/inference-jobs.ts';

const mayQuery = (caller: Caller, job: InferenceJobRecord) => queryAccess({ userId: caller.id, userType: caller.userType }, job.userId) !== 'none';

export const predictorRoutes = (deps: AdminDeps) => {
  const ask = predictorAsker(deps.config.tlsCert);

  const predictorJson = async (job: InferenceJobRecord): Promise<PredictorJson> => {
    const trainJob = (await deps.store.trainJobs.byId(job.trainJobId))!;
    return {
      inference_job_id: job.id,
      app: trainJob.app,
      app_version: trainJob.appVersion,
      predictor_host: job.predictorHost!,
      trial_count: job.trialIds.length,
      datetime_started: job.startedAt.toISOString(),
    };
  };

  /** A job the caller may not query answers 404, like any resource they may not see. */
  const queryable = async (caller: Caller, id: string) => {
    const job = await deps.store.inferenceJobs.byId(id);
    if (!job || !mayQuery(caller, job)) throw notFound(`inference job ${id} not found`);
    if (job.status !== 'RUNNING' || !job.predictorHost) throw conflict(`inference job ${id} is ${job.status}; only a RUNNING job answers queries`);
    return { ...job, predictorHost: job.predictorHost };
  };

  return new Elysia()
    .use(guard(deps))
    .get('/predictors', async ({ caller }) => {
      const jobs = (await deps.store.inferenceJobs.running()).filter((job) => mayQuery(caller, job));
      return Promise.all(jobs.map(predictorJson));
    }, { roles: USER_TYPES, response: { 200: t.Array(PredictorResponse) }, detail: { summary: 'The running inference jobs you may query (app users and admins: all; developers: their own)', tags: ['predictors'] } })
    .get('/predictors/:id', async ({ params, caller }) => predictorJson(await queryable(caller, params.id)),
      { roles: USER_TYPES, params: PredictorParams, response: { 200: PredictorResponse }, detail: { summary: 'One running inference job you may query', tags: ['predictors'] } })
    .get('/predictors/:id/model', async ({ params, caller, request }) => {
      const job = await queryable(caller, params.id);
      const trainJob = (await deps.store.trainJobs.byId(job.trainJobId))!;
      return relayAnswer(await ask(job, request, 'GET', `/v2/models/${encodeURIComponent(trainJob.app)}`));
    }, { roles: USER_TYPES, params: PredictorParams, detail: { summary: "Its model as its predictor describes it (KServe v2 metadata: inputs, columns, classes)", tags: ['predictors'] } })
    .post('/predictors/:id/predict', async ({ params, caller, request, body }) => {
      const job = await queryable(caller, params.id);
      return relayAnswer(await ask(job, request, 'POST', '/predict', { query: body.query }));
    }, { roles: USER_TYPES, params: PredictorParams, body: PredictBody, detail: { summary: 'One query through the Admin (what the dashboard sends); queries in bulk go to predictor_host', tags: ['predictors'] } });
};
