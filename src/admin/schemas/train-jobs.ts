/** Wire schemas of /train_jobs and /trials (Rafiki 0.2.0's field names). */
import { t, type Static } from 'elysia';
import { JOB_STATUSES, TASKS, TRIAL_STATUSES } from '../../common/domain.ts';
import { integer } from '../../common/integer-schema.ts';
import { INT32_MAX, oneOf, Uuid } from './common.ts';

export const TrainBudgetSchema = t.Object({
  MODEL_TRIAL_COUNT: t.Optional(integer({ minimum: -1, maximum: INT32_MAX, expected: 'an integer: trials per model, -1 for no limit' })),
  TIME_HOURS: t.Optional(t.Number({ exclusiveMinimum: 0, maximum: 24 * 365, expected: 'a number of hours > 0' })),
  WORKER_COUNT: t.Optional(integer({ minimum: 1, maximum: 64, expected: 'an integer from 1 to 64' })),
  GPU_COUNT: t.Optional(integer({ minimum: 0, maximum: INT32_MAX, expected: 'an integer ≥ 0' })),
}, { additionalProperties: false });

export const CreateTrainJobBody = t.Object({
  app: t.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$', expected: 'an app name: letters, digits, _ . - (up to 100)' }),
  task: oneOf(TASKS),
  train_dataset_id: t.String({ format: 'uuid', expected: 'a dataset id' }),
  val_dataset_id: t.String({ format: 'uuid', expected: 'a dataset id' }),
  budget: t.Optional(TrainBudgetSchema),
  model_ids: t.Array(t.String({ format: 'uuid', expected: 'a model id' }), { minItems: 1, maxItems: 50, expected: 'a list of 1 to 50 model ids' }),
  train_args: t.Optional(t.Object({
    target: t.Optional(t.String({ minLength: 1 })),
    features: t.Optional(t.Array(t.String({ minLength: 1 }), { minItems: 1 })),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

const SubJob = t.Object({
  id: t.String(),
  model_id: t.String(),
  model_name: t.String(),
  /** The version of the template this sub-job tunes: the one its model_id named when the job started. */
  model_version: t.Number(),
  status: oneOf(JOB_STATUSES),
  error: t.Union([t.String(), t.Null()]),
  trials: t.Number(),
  workers: t.Array(t.Object({ service_id: t.String(), status: t.String(), pid: t.Union([t.Number(), t.Null()]), error: t.Union([t.String(), t.Null()]) })),
});

export const TrainJobResponse = t.Object({
  id: t.String(),
  user_id: t.String(),
  app: t.String(),
  app_version: t.Number(),
  task: oneOf(TASKS),
  train_dataset_id: t.String(),
  val_dataset_id: t.String(),
  budget: t.Record(t.String(), t.Number()),
  train_args: t.Record(t.String(), t.Any()),
  status: oneOf(JOB_STATUSES),
  error: t.Union([t.String(), t.Null()]),
  datetime_started: t.String(),
  datetime_stopped: t.Union([t.String(), t.Null()]),
  sub_train_jobs: t.Optional(t.Array(SubJob)),
});

export const TrialResponse = t.Object({
  id: t.String(),
  no: t.Number(),
  app: t.String(),
  app_version: t.Number(),
  model_id: t.String(),
  model_name: t.String(),
  model_version: t.Number(),
  knobs: t.Record(t.String(), t.Union([t.Number(), t.String(), t.Boolean()])),
  status: oneOf(TRIAL_STATUSES),
  score: t.Union([t.Number(), t.Null()]),
  error: t.Union([t.String(), t.Null()]),
  error_stack: t.Union([t.String(), t.Null()], { description: "Where the template failed (its stack), for the job's owner and admins; null for others and for a trial that did not fail" }),
  worker_id: t.Union([t.String(), t.Null()]),
  datetime_started: t.String(),
  datetime_stopped: t.Union([t.String(), t.Null()]),
});

export const TrialReportResponse = t.Object({
  id: t.String(),
  trial_id: t.String(),
  step: t.Number(),
  score: t.Union([t.Number(), t.Null()]),
  decision: oneOf(['continue', 'stop'] as const),
  time: t.String(),
});

export const TrialLogsResponse = t.Object({
  plots: t.Array(t.Object({ title: t.String(), metrics: t.Array(t.String()), x_axis: t.Union([t.String(), t.Null()]) })),
  metrics: t.Array(t.Record(t.String(), t.Union([t.Number(), t.String()]))),
  messages: t.Array(t.Object({ time: t.String(), message: t.String() })),
});

export const AppParams = t.Object({ app: t.String({ maxLength: 100 }) });
export const AppVersionParams = t.Object({ app: t.String({ maxLength: 100 }), app_version: integer({ minimum: -1, maximum: INT32_MAX, expected: 'an app version (-1 for the latest)' }) });
export const TrialsQuery = t.Object({
  type: t.Optional(oneOf(['best'] as const)),
  max_count: t.Optional(integer({ minimum: 1, maximum: 1000 })),
}, { additionalProperties: false });
export const UserQuery = t.Object({ user_id: t.Optional(Uuid) }, { additionalProperties: false });

export type CreateTrainJobRequest = Static<typeof CreateTrainJobBody>;
export type TrainJobJson = Static<typeof TrainJobResponse>;
export type TrialJson = Static<typeof TrialResponse>;
export type TrialLogsJson = Static<typeof TrialLogsResponse>;
export type TrialReportJson = Static<typeof TrialReportResponse>;

/** What `GET /train_jobs/:app/:app_version/events` sends, one server-sent event each: the event's name and its data. */
export type TrainJobEventJson =
  | { event: 'job'; data: TrainJobJson }
  | { event: 'trials'; data: TrialJson[] }
  | { event: 'reports'; data: TrialReportJson[] };
