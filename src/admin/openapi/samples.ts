/**
 * One worked example of each thing the Admin answers, as the API reference
 * shows them: an iris app trained by a model developer. A test checks each
 * against its route's schema, so they cannot drift from the wire.
 */
import type { DatasetJson } from '../schemas/datasets.ts';
import type { InferenceJobJson, ServingFiguresJson } from '../schemas/inference-jobs.ts';
import type { ModelJson } from '../schemas/models.ts';
import type { TrainJobJson, TrialJson, TrialLogsJson, TrialReportJson } from '../schemas/train-jobs.ts';
import type { TokenJson, UserJson } from '../schemas/users.ts';

const DEVELOPER_ID = '0b7d6a4e-3f1c-4d2a-9c55-2e8f4a1b6c70';
const MODEL_ID = '5f0c2d9e-8a7b-4c61-b3e2-1d4f6a8b9c01';
const DATASET_ID = '9a1e4c7b-2d3f-4b5a-8c6d-7e9f0a1b2c3d';
const VAL_DATASET_ID = 'c4d5e6f7-1a2b-4c3d-9e8f-0a1b2c3d4e5f';
const TRAIN_JOB_ID = '2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b';
export const TRIAL_ID = '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e';

export const user: UserJson = {
  id: DEVELOPER_ID, email: 'dev@example.com', user_type: 'MODEL_DEVELOPER', created_date: '2026-11-27T09:00:00.000Z', banned_date: null,
};

export const token: TokenJson = { user_id: DEVELOPER_ID, user_type: 'MODEL_DEVELOPER', token: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIwYjdkNmE0ZSJ9.c2lnbmF0dXJl' };

export const model: ModelJson = {
  id: MODEL_ID, user_id: DEVELOPER_ID, name: 'knn', version: 1, task: 'TABULAR_CLASSIFICATION', model_class: 'Knn', dependencies: {},
  access_right: 'PRIVATE', knob_config: { k: { type: 'int', min: 1, max: 15 } }, datetime_created: '2026-11-27T09:05:00.000Z',
};

export const dataset: DatasetJson = {
  id: DATASET_ID, owner_id: DEVELOPER_ID, name: 'iris-train', task: 'TABULAR_CLASSIFICATION', size_bytes: 4551,
  sha256: '6f1ed002ab5595859014ebf0951522d9a2a5c5c2f5c2e7b5d7b1c0b0a9a8f7e6',
  stats: { rows: 120, columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'], classes: ['setosa', 'versicolor', 'virginica'] },
  datetime_created: '2026-11-27T09:06:00.000Z',
};

export const preview = {
  kind: 'table' as const,
  columns: [{ name: 'sepal_length', type: 'numeric' as const }, { name: 'species', type: 'text' as const }],
  rows: [['5.1', 'setosa'], ['6.4', 'virginica']],
};

export const trainJob: TrainJobJson = {
  id: TRAIN_JOB_ID, user_id: DEVELOPER_ID, app: 'iris', app_version: 1, task: 'TABULAR_CLASSIFICATION',
  train_dataset_id: DATASET_ID, val_dataset_id: VAL_DATASET_ID, budget: { MODEL_TRIAL_COUNT: 5, TIME_HOURS: 0.1, WORKER_COUNT: 1, GPU_COUNT: 0 },
  train_args: {}, status: 'RUNNING', error: null, datetime_started: '2026-11-27T09:10:00.000Z', datetime_stopped: null,
};

export const trial: TrialJson = {
  id: TRIAL_ID, no: 1, app: 'iris', app_version: 1, model_id: MODEL_ID, model_name: 'knn', model_version: 1, knobs: { k: 5 }, status: 'COMPLETED',
  score: 0.967, error: null, error_stack: null, worker_id: 'worker-1', datetime_started: '2026-11-27T09:10:02.000Z', datetime_stopped: '2026-11-27T09:10:04.000Z',
};

export const report: TrialReportJson = { id: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', trial_id: TRIAL_ID, step: 3, score: 0.93, decision: 'continue', time: '2026-11-27T09:10:03.000Z' };

export const logs: TrialLogsJson = {
  plots: [{ title: 'Loss', metrics: ['loss'], x_axis: 'epoch' }],
  metrics: [{ time: '2026-11-27T09:10:03.000Z', epoch: 1, loss: 0.41 }],
  messages: [{ time: '2026-11-27T09:10:02.500Z', message: 'fitting 120 rows' }],
};

export const inferenceJob: InferenceJobJson = {
  id: '8d9e0f1a-2b3c-4d4e-9f5a-6b7c8d9e0f1a', user_id: DEVELOPER_ID, train_job_id: TRAIN_JOB_ID, app: 'iris', app_version: 1,
  budget: { MODEL_COUNT: 1, REPLICA_COUNT: 1, FRONTEND_COUNT: 1, GPU_COUNT: 0 }, status: 'RUNNING', error: null, predictor_host: '127.0.0.1:40123', predictor_hosts: ['127.0.0.1:40123'],
  trial_ids: [TRIAL_ID], datetime_started: '2026-11-27T09:20:00.000Z', datetime_stopped: null,
};

export const serving: ServingFiguresJson = {
  answers: { '200': 1520, '400': 3 }, errors: 3,
  latencySeconds: { buckets: [[0.005, 1400], [0.01, 1510], [0.05, 1523]], sum: 4.2, count: 1523 },
  batchSize: { buckets: [[1, 900], [8, 1400], [64, 1523]], sum: 3100, count: 1523 },
};

/** The predictor's KServe v2 metadata of a tabular classifier (relayed by GET …/model). */
export const v2Metadata = {
  name: 'iris', versions: ['1'], platform: 'rafiki_ensemble',
  inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4], parameters: { columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'], categories: {} } }],
  outputs: [
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 3], parameters: { classes: ['setosa', 'versicolor', 'virginica'] } },
    { name: 'labels', datatype: 'BYTES', shape: [-1] },
  ],
};

export const predictor = {
  inference_job_id: inferenceJob.id, app: 'iris', app_version: 1, predictor_host: '127.0.0.1:40123', trial_count: 1, datetime_started: '2026-11-27T09:20:00.000Z',
};
