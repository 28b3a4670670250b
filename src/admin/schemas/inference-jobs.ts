/** Wire schemas of /inference_jobs (Rafiki 0.2.0's field names). */
import { t, type Static } from 'elysia';
import { JOB_STATUSES } from '../../common/domain.ts';
import { integer } from '../../common/integer-schema.ts';
import { INT32_MAX, oneOf } from './common.ts';

export const InferenceBudgetSchema = t.Object({
  MODEL_COUNT: t.Optional(integer({ minimum: 1, maximum: 20, expected: 'an integer from 1 to 20' })),
  REPLICA_COUNT: t.Optional(integer({ minimum: 1, maximum: 16, expected: 'an integer from 1 to 16' })),
  FRONTEND_COUNT: t.Optional(integer({ minimum: 1, maximum: 8, expected: 'an integer from 1 to 8' })),
  GPU_COUNT: t.Optional(integer({ minimum: 0, maximum: INT32_MAX, expected: 'an integer ≥ 0' })),
}, { additionalProperties: false });

export const CreateInferenceJobBody = t.Object({
  app: t.String({ maxLength: 100 }),
  app_version: t.Optional(integer({ minimum: -1, maximum: INT32_MAX, expected: 'an app version (-1 for the latest)' })),
  budget: t.Optional(InferenceBudgetSchema),
}, { additionalProperties: false });

export const InferenceJobResponse = t.Object({
  id: t.String(),
  user_id: t.String(),
  train_job_id: t.String(),
  app: t.String(),
  app_version: t.Number(),
  budget: t.Record(t.String(), t.Number()),
  status: oneOf(JOB_STATUSES),
  error: t.Union([t.String(), t.Null()]),
  predictor_host: t.Union([t.String(), t.Null()]),
  predictor_hosts: t.Array(t.String(), { description: "Every frontend's host:port (a job has FRONTEND_COUNT); predictor_host is the first" }),
  trial_ids: t.Array(t.String()),
  datetime_started: t.String(),
  datetime_stopped: t.Union([t.String(), t.Null()]),
});

const Histogram = t.Object({ buckets: t.Array(t.Tuple([t.Number(), t.Number()])), sum: t.Number(), count: t.Number() });
export const ServingFiguresResponse = t.Object({
  answers: t.Record(t.String(), t.Number()),
  errors: t.Number(),
  latencySeconds: Histogram,
  batchSize: Histogram,
});
export const PredictBody = t.Object({ query: t.Unknown() }, { additionalProperties: false });

export type CreateInferenceJobRequest = Static<typeof CreateInferenceJobBody>;
export type InferenceJobJson = Static<typeof InferenceJobResponse>;
export type ServingFiguresJson = Static<typeof ServingFiguresResponse>;
