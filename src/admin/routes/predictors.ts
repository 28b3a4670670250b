/**
 * /predictors: the running inference jobs the caller may query (app users and
 * admins: all; developers: their own), by inference job id, since an app's name
 * is unique only per developer. The dashboard's page for app users reads these,
 * and queries through them as the try-it panel does.
 */
import { Elysia, t } from 'elysia';
import { USER_TYPES } from '../../common/domain.ts';
import { guard } from '../auth/guard.ts';
import type { AdminDeps } from '../context.ts';
import { InferenceJobs, type ServingJobView } from '../jobs/inference-jobs.ts';
import { predictorAsker, relayAnswer } from '../inference/predictor-proxy.ts';
import { PredictBody } from '../schemas/inference-jobs.ts';
import { PredictorParams, PredictorResponse, type PredictorJson } from '../schemas/predictors.ts';

/** A serving job as /predictors shows it. */
const predictorJson = ({ job, trainJob }: ServingJobView): PredictorJson => ({
  inference_job_id: job.id,
  app: trainJob.app,
  app_version: trainJob.appVersion,
  predictor_host: job.predictorHost,
  trial_count: job.trialIds.length,
  datetime_started: job.startedAt.toISOString(),
});

export const predictorRoutes = (deps: AdminDeps) => {
  const jobs = new InferenceJobs(deps);
  const ask = predictorAsker(deps.config.tlsCert);

  return new Elysia()
    .use(guard(deps))
    .get('/predictors', async ({ caller }) => (await jobs.queryable(caller)).map(predictorJson), { roles: USER_TYPES, response: { 200: t.Array(PredictorResponse) }, detail: { summary: 'The running inference jobs you may query (app users and admins: all; developers: their own)', tags: ['predictors'] } })
    .get('/predictors/:id', async ({ params, caller }) => predictorJson(await jobs.queryableById(caller, params.id)),
      { roles: USER_TYPES, params: PredictorParams, response: { 200: PredictorResponse }, detail: { summary: 'One running inference job you may query', tags: ['predictors'] } })
    .get('/predictors/:id/model', async ({ params, caller, request }) => {
      const { job, trainJob } = await jobs.queryableById(caller, params.id);
      return relayAnswer(await ask(job, request, 'GET', `/v2/models/${encodeURIComponent(trainJob.app)}`));
    }, { roles: USER_TYPES, params: PredictorParams, detail: { summary: "Its model as its predictor describes it (KServe v2 metadata: inputs, columns, classes)", tags: ['predictors'] } })
    .post('/predictors/:id/predict', async ({ params, caller, request, body }) => {
      const { job } = await jobs.queryableById(caller, params.id);
      return relayAnswer(await ask(job, request, 'POST', '/predict', { query: body.query }));
    }, { roles: USER_TYPES, params: PredictorParams, body: PredictBody, detail: { summary: 'One query through the Admin (what the dashboard sends); queries in bulk go to predictor_host', tags: ['predictors'] } });
};
