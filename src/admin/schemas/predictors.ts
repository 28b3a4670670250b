/** Wire schemas of /predictors: the running inference jobs a user may query. */
import { t, type Static } from 'elysia';

export const PredictorParams = t.Object({ id: t.String({ format: 'uuid', expected: 'an inference job id' }) });

export const PredictorResponse = t.Object({
  inference_job_id: t.String(),
  app: t.String(),
  app_version: t.Number(),
  /** host:port of its query frontend (HTTP/2), where queries in bulk go. */
  predictor_host: t.String(),
  trial_count: t.Number(),
  datetime_started: t.String(),
});

export type PredictorJson = Static<typeof PredictorResponse>;
