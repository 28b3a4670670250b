/**
 * The Rafiki SDK (`rafiki/client`): a typed client of the Admin's REST API and of deployed
 * inference jobs. Start at {@link Client}; every failed call throws {@link RafikiClientError}.
 * The REST API itself is described by the Admin's OpenAPI document at `/openapi`.
 *
 * @example
 * import { Client } from 'rafiki/client';
 * const client = new Client({ adminUrl: 'http://localhost:3000' });
 * await client.login('dev@example.com', 'a long password');
 * for (const job of await client.getTrainJobs()) console.log(job.app, job.app_version, job.status);
 *
 * @module rafiki/client
 */
export { AdminApi, type V2ModelMetadata } from './admin-api.ts';
export { Client, type ClientOptions, type CreateDatasetOptions, type CreateModelOptions, type CreateTrainJobOptions, type CurrentUser, type Upload } from './client.ts';
export { RafikiClientError } from './errors.ts';
export type { UserJson, TokenJson } from '../admin/schemas/users.ts';
export type { ModelJson } from '../admin/schemas/models.ts';
export type { DatasetJson } from '../admin/schemas/datasets.ts';
export type { TrainJobEventJson, TrainJobJson, TrialJson, TrialLogsJson, TrialReportJson } from '../admin/schemas/train-jobs.ts';
export type { InferenceJobJson } from '../admin/schemas/inference-jobs.ts';
export type { PredictorJson } from '../admin/schemas/predictors.ts';
export { Predictor, type PredictOptions, type V2InferResponse, type V2Output, type V2Tensor } from './predictor.ts';
export type { LabelledPrediction, PredictAnswer, PredictBatchAnswer, PredictionValue } from '../common/protocols/predict.ts';
