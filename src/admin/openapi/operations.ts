/**
 * What the API reference says of each Admin route beyond what its schemas and
 * guard tell: the errors its handler throws, an example, the multipart form of
 * an upload (read by the route itself, so Elysia knows no schema for it), and
 * the answer of a route that answers something other than a schema'd JSON.
 * Kept apart from the routes so that a route reads as schema, guard and call;
 * a test fails when a route has no entry here, or an entry no route.
 */
import type { TSchema } from '@sinclair/typebox';
import type { ErrorCode } from '../../common/errors.ts';
import type { JsonSchema } from '../../common/openapi.ts';
import { SinglePredictResponseSchema, V2MetadataSchema } from '../../frontend/wire-schemas.ts';
import { CreateDatasetForm } from '../schemas/datasets.ts';
import { CreateModelForm } from '../schemas/models.ts';
import * as sample from './samples.ts';

export interface OperationDoc {
  /** The operationId: the SDK method's name where there is one, so that a generated client reads like the SDK. */
  id: string;
  /** Errors the handler throws itself; those of validation, the guard and body limits are derived. */
  errors?: ErrorCode[];
  /** The JSON body's or the form's example; routes without a body have none. */
  request?: unknown;
  /** The successful answer's example. */
  response: unknown;
  /** A multipart upload: its text fields' schema, its file fields with what each holds, and which of those are required. */
  form?: { fields: TSchema; files: Record<string, string>; requiredFiles: string[] };
  /** The successful answer of a route without a response schema: its media type and schema. */
  answer?: { mediaType: string; schema: JsonSchema; description: string };
}

const binary = (description: string) => ({ mediaType: 'application/octet-stream', schema: { type: 'string', format: 'binary' }, description });
const LOOKUP = ['NOT_FOUND'] as ErrorCode[];
/** A running job's model, as its predictor describes it, relayed by the Admin. */
const MODEL_METADATA = {
  errors: ['NOT_FOUND', 'CONFLICT', 'UNAVAILABLE'] as ErrorCode[],
  response: sample.v2Metadata,
  answer: { mediaType: 'application/json', schema: V2MetadataSchema, description: "The model's KServe v2 metadata, as its predictor answers it" },
};
/** One query to a running job, relayed by the Admin; the predictor's own refusals come back as they are (a bad query its 400, a stopping job its 503). */
const ONE_QUERY = {
  errors: ['NOT_FOUND', 'CONFLICT', 'UNAVAILABLE', 'TIMEOUT'] as ErrorCode[],
  request: { query: [5.1, 3.5, 1.4, 0.2] },
  response: { prediction: [0.97, 0.03, 0], label: 'setosa', label_probability: 0.97 },
  answer: { mediaType: 'application/json', schema: SinglePredictResponseSchema, description: "The predictor's answer to the one query" },
};

export const OPERATIONS: Record<string, OperationDoc> = {
  'GET /health': { id: 'getHealth', response: { status: 'ok', store: { kind: 'embedded', ok: true }, sandbox: false } },

  'POST /tokens': { id: 'login', errors: ['UNAUTHORIZED', 'TOO_MANY_REQUESTS'], request: { email: 'dev@example.com', password: 'a-long-password' }, response: sample.token },
  'POST /users': { id: 'createUser', errors: ['CONFLICT'], request: { email: 'dev@example.com', password: 'a-long-password', user_type: 'MODEL_DEVELOPER' }, response: sample.user },
  'GET /users': { id: 'getUsers', response: [sample.user] },
  'DELETE /users': { id: 'banUser', errors: ['NOT_FOUND', 'CONFLICT'], request: { email: 'dev@example.com' }, response: { ...sample.user, banned_date: '2026-11-27T10:00:00.000Z' } },

  'POST /models': {
    id: 'createModel',
    errors: ['CONFLICT'],
    form: { fields: CreateModelForm, files: { model_file_bytes: "The template's TypeScript source file" }, requiredFiles: ['model_file_bytes'] },
    request: { name: 'knn', task: 'TABULAR_CLASSIFICATION', model_class: 'Knn', dependencies: '{}', access_right: 'PRIVATE' },
    response: sample.model,
  },
  'GET /models/available': { id: 'getAvailableModels', response: [sample.model] },
  'GET /models/{id}': { id: 'getModel', errors: LOOKUP, response: sample.model },
  'DELETE /models/{id}': { id: 'deleteModel', errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'], response: sample.model },
  'GET /models/{id}/model_file': { id: 'downloadModelFile', errors: LOOKUP, response: "import { Model } from 'rafiki/model';\n…", answer: binary("The template's source file, byte for byte") },

  'POST /datasets': {
    id: 'createDataset',
    form: { fields: CreateDatasetForm, files: { dataset: 'The dataset: a CSV table, or a ZIP of images in one folder per class' }, requiredFiles: [] },
    request: { name: 'iris-train', task: 'TABULAR_CLASSIFICATION' },
    response: sample.dataset,
  },
  'GET /datasets': { id: 'getDatasets', response: [sample.dataset] },
  'GET /datasets/{id}': { id: 'getDataset', errors: LOOKUP, response: sample.dataset },
  'DELETE /datasets/{id}': { id: 'deleteDataset', errors: ['NOT_FOUND', 'CONFLICT'], response: sample.dataset },
  'GET /datasets/{id}/preview': { id: 'getDatasetPreview', errors: LOOKUP, response: sample.preview },

  'POST /train_jobs': {
    id: 'createTrainJob',
    errors: ['NOT_FOUND', 'CONFLICT'],
    request: {
      app: 'iris', task: 'TABULAR_CLASSIFICATION', train_dataset_id: sample.trainJob.train_dataset_id, val_dataset_id: sample.trainJob.val_dataset_id,
      model_ids: [sample.model.id], budget: { MODEL_TRIAL_COUNT: 5, TIME_HOURS: 0.1 },
    },
    response: sample.trainJob,
  },
  'GET /train_jobs': { id: 'getTrainJobs', response: [sample.trainJob] },
  'GET /train_jobs/{app}': { id: 'getTrainJobsOfApp', response: [sample.trainJob] },
  'GET /train_jobs/{app}/{app_version}': { id: 'getTrainJob', errors: LOOKUP, response: sample.trainJob },
  'POST /train_jobs/{app}/{app_version}/stop': { id: 'stopTrainJob', errors: ['NOT_FOUND', 'CONFLICT'], response: { ...sample.trainJob, status: 'STOPPED', datetime_stopped: '2026-11-27T09:15:00.000Z' } },
  'GET /train_jobs/{app}/{app_version}/trials': { id: 'getTrials', errors: LOOKUP, response: [sample.trial] },
  'GET /train_jobs/{app}/{app_version}/reports': { id: 'getTrialReports', errors: LOOKUP, response: [sample.report] },
  'GET /train_jobs/{app}/{app_version}/events': {
    id: 'watchTrainJob',
    errors: LOOKUP,
    response: `event: job\ndata: ${JSON.stringify(sample.trainJob)}\n\n`,
    answer: { mediaType: 'text/event-stream', schema: { type: 'string' }, description: 'Server-sent events `job`, `trials` and `reports`, each with its JSON as data' },
  },
  'GET /trials/{id}': { id: 'getTrial', errors: LOOKUP, response: sample.trial },
  'GET /trials/{id}/logs': { id: 'getTrialLogs', errors: LOOKUP, response: sample.logs },
  'GET /trials/{id}/onnx': { id: 'downloadTrialOnnx', errors: LOOKUP, response: 'ONNX…', answer: binary("The trial's trained model as ONNX, with its input spec in the metadata as rafiki.input") },
  'GET /trials/{id}/parameters': { id: 'getTrialParameters', errors: LOOKUP, response: 'RFKP…', answer: binary("The trial's parameters in the SDK's binary format (src/model/params.ts), starting with the magic RFKP") },

  'POST /inference_jobs': { id: 'createInferenceJob', errors: ['NOT_FOUND', 'CONFLICT', 'UNAVAILABLE'], request: { app: 'iris', app_version: -1, budget: { REPLICA_COUNT: 1 } }, response: sample.inferenceJob },
  'GET /inference_jobs': { id: 'getInferenceJobs', response: [sample.inferenceJob] },
  'GET /inference_jobs/{app}': { id: 'getInferenceJobsOfApp', response: [sample.inferenceJob] },
  'GET /inference_jobs/{app}/{app_version}': { id: 'getRunningInferenceJob', errors: LOOKUP, response: sample.inferenceJob },
  'GET /inference_jobs/{app}/{app_version}/model': { id: 'getInferenceJobModel', ...MODEL_METADATA },
  'POST /inference_jobs/{app}/{app_version}/predict': { id: 'predictThroughAdmin', ...ONE_QUERY },
  'GET /inference_jobs/{app}/{app_version}/serving': { id: 'getServingFigures', errors: ['NOT_FOUND', 'CONFLICT', 'UNAVAILABLE'], response: sample.serving },
  'GET /predictors': { id: 'listPredictors', response: [sample.predictor] },
  'GET /predictors/{id}': { id: 'getPredictor', errors: ['NOT_FOUND', 'CONFLICT'], response: sample.predictor },
  'GET /predictors/{id}/model': { id: 'getPredictorModel', ...MODEL_METADATA },
  'POST /predictors/{id}/predict': { id: 'predictThroughPredictor', ...ONE_QUERY },
  'GET /metrics': {
    id: 'getMetrics',
    response: '# HELP rafiki_trials Trials by status\n# TYPE rafiki_trials gauge\nrafiki_trials{status="COMPLETED"} 12\n',
    answer: { mediaType: 'text/plain', schema: { type: 'string' }, description: 'Prometheus text: requests by route, jobs and trials by status, trial durations, pending trials' },
  },
  'POST /inference_jobs/{app}/{app_version}/stop': { id: 'stopInferenceJob', errors: ['NOT_FOUND', 'CONFLICT'], response: { ...sample.inferenceJob, status: 'STOPPED', datetime_stopped: '2026-11-27T10:00:00.000Z' } },
};
