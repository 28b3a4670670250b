/**
 * The Rafiki SDK: every call of the Admin's REST API as a typed method
 * (`AdminApi`), plus what needs Node: uploads from paths, bytes or streams, sent
 * streaming, and queries to deployed jobs over HTTP/2.
 *
 * @example
 * const client = new Client({ adminUrl: 'http://localhost:3000' });
 * await client.login('superadmin@rafiki', password);
 * await client.createUser({ email: 'dev@example.com', password: 'a long password', userType: 'APP_DEVELOPER' });
 */
import { createReadStream } from 'node:fs';
import type { AccessRight, Task } from '../common/domain.ts';
import type { DatasetJson } from '../admin/schemas/datasets.ts';
import type { ModelJson } from '../admin/schemas/models.ts';
import type { Model, ModelClass, Params } from '../model/model.ts';
import { AdminApi } from './admin-api.ts';
import { multipartBody } from './multipart.ts';
import type { LabelledPrediction, PredictionValue } from '../common/protocols/predict.ts';
import { Predictor, type PredictOptions, type V2InferResponse, type V2Tensor } from './predictor.ts';

export { type ClientOptions, type CreateTrainJobOptions, type CurrentUser } from './admin-api.ts';

/** A file to upload: a path on disk, bytes, or a stream of bytes. */
export type Upload = string | Uint8Array | AsyncIterable<Uint8Array>;

function uploadData(upload: Upload): AsyncIterable<Uint8Array> | Uint8Array {
  return typeof upload === 'string' ? createReadStream(upload) : upload;
}

/** What {@link Client.createModel} takes. */
export interface CreateModelOptions {
  name: string;
  task: Task;
  /** The template's source file. */
  file: Upload;
  modelClass: string;
  dependencies?: Record<string, string>;
  accessRight?: AccessRight;
}

/** What {@link Client.createDataset} takes: a file to upload, or a URL for the Admin to fetch. */
export type CreateDatasetOptions = { name: string; task: Task } & ({ file: Upload; url?: never } | { url: string; file?: never });

/**
 * The SDK's client: the Admin's API ({@link AdminApi}), uploads from paths, bytes or streams,
 * queries to deployed jobs over HTTP/2, and trained trials loaded in-process.
 *
 * @example
 * const client = new Client({ adminUrl: 'http://localhost:3000' });
 * await client.login('dev@example.com', 'a long password');
 * const job = await client.getRunningInferenceJob('iris');
 * console.log(await client.predict(job.predictor_host!, [5.1, 3.5, 1.4, 0.2]));
 * client.close();
 */
export class Client extends AdminApi {
  private readonly predictors = new Map<string, Predictor>();

  /** Uploads a model template; the Admin loads it in a subprocess to check it first. Under a name you already have, it is that name's next `version`. */
  createModel(options: CreateModelOptions): Promise<ModelJson> {
    const fields = {
      name: options.name,
      task: options.task,
      model_class: options.modelClass,
      dependencies: JSON.stringify(options.dependencies ?? {}),
      access_right: options.accessRight ?? 'PRIVATE',
    };
    return this.http.request('POST', '/models', { multipart: multipartBody(fields, { field: 'model_file_bytes', data: uploadData(options.file) }) });
  }

  /** Uploads a dataset from a path, bytes or a stream (sent streaming), or has the Admin fetch a URL. */
  createDataset(options: CreateDatasetOptions): Promise<DatasetJson> {
    const fields = { name: options.name, task: options.task, dataset_url: options.url };
    const file = options.file === undefined ? undefined : { field: 'dataset', data: uploadData(options.file) };
    return this.http.request('POST', '/datasets', { multipart: multipartBody(fields, file) });
  }

  /** The trial's parameters, decoded from the SDK's binary format. */
  async getTrialParameters(id: string): Promise<Params> {
    const { decodeParams } = await import('../model/params.ts');
    return decodeParams(await this.http.request<Uint8Array>('GET', `/trials/${encodeURIComponent(id)}/parameters`, { binary: true }));
  }

  private predictor(host: string): Predictor {
    let predictor = this.predictors.get(host);
    if (!predictor) this.predictors.set(host, (predictor = new Predictor(host, () => this.token)));
    return predictor;
  }

  /**
   * One query to a deployed job over HTTP/2 (one session per predictor, reused).
   *
   * @example
   * const job = await client.createInferenceJob('iris');
   * const probabilities = await client.predict(job.predictor_host!, { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });
   */
  predict(host: string, query: unknown, options?: PredictOptions): Promise<PredictionValue> {
    return this.predictor(host).predict(query, options);
  }

  /** Several queries to a deployed job in one request; the predictions come in the order of the queries. */
  predictBatch(host: string, queries: unknown[], options?: PredictOptions): Promise<PredictionValue[]> {
    return this.predictor(host).predictBatch(queries, options);
  }

  /**
   * One query's prediction with, for a classification, the most probable class and its probability.
   *
   * @example
   * const { prediction, label, label_probability } = await client.predictLabelled(job.predictor_host!, [5.1, 3.5, 1.4, 0.2]);
   * // label 'setosa', label_probability 0.997, prediction [0.997, 0.003, 0.000]
   */
  predictLabelled(host: string, query: unknown, options?: PredictOptions): Promise<LabelledPrediction> {
    return this.predictor(host).predictLabelled(query, options);
  }

  /** Several queries' predictions with their labels, in order. */
  predictBatchLabelled(host: string, queries: unknown[], options?: PredictOptions): Promise<LabelledPrediction[]> {
    return this.predictor(host).predictBatchLabelled(queries, options);
  }

  /** The KServe v2 infer call; `model` is the job's app. */
  inferV2(host: string, model: string, inputs: V2Tensor[]): Promise<V2InferResponse> {
    return this.predictor(host).inferV2(model, inputs);
  }

  /** Closes the HTTP/2 sessions to predictors. */
  close(): void {
    for (const predictor of this.predictors.values()) predictor.close();
    this.predictors.clear();
  }

  /**
   * A trained instance of a trial's template in this process, ready to predict:
   * built with the trial's knobs and loaded with its parameters.
   *
   * @example
   * const { TabularMlp } = await import('./models/tabular_mlp.ts');
   * const model = await client.loadTrialModel(trialId, TabularMlp);
   * console.log(await model.predict([{ sepal_length: 5.1, ... }]));
   */
  async loadTrialModel<M extends Model>(id: string, template: ModelClass<M>): Promise<M> {
    const [trial, params] = await Promise.all([this.getTrial(id), this.getTrialParameters(id)]);
    const model = new template(trial.knobs);
    model.loadParameters(params);
    return model;
  }
}
