/**
 * The Admin's REST API as typed methods, over fetch alone: what runs in a
 * browser (the dashboard) as in Node and Bun. `Client` (client.ts) adds what
 * needs Node: uploads from files and streams, predictions over HTTP/2.
 *
 * @example
 * const api = new AdminApi({ adminUrl: location.origin, token });
 * for (const job of await api.getTrainJobs()) console.log(job.app, job.status);
 */
import type { Task, UserType } from '../common/domain.ts';
import type { DatasetJson, DatasetPreviewJson } from '../admin/schemas/datasets.ts';
import type { ModelJson } from '../admin/schemas/models.ts';
import type { CreateInferenceJobRequest, InferenceJobJson, ServingFiguresJson } from '../admin/schemas/inference-jobs.ts';
import type { PredictorJson } from '../admin/schemas/predictors.ts';
import type { CreateTrainJobRequest, TrainJobEventJson, TrainJobJson, TrialJson, TrialLogsJson, TrialReportJson } from '../admin/schemas/train-jobs.ts';
import type { TokenJson, UserJson } from '../admin/schemas/users.ts';
import type { PredictAnswer } from '../common/protocols/predict.ts';
import { RafikiClientError } from './errors.ts';
import { serverSentEvents } from './events.ts';
import { AdminHttp } from './http.ts';

/** What {@link AdminApi.createTrainJob} takes. */
export interface CreateTrainJobOptions {
  app: string;
  task: Task;
  trainDatasetId: string;
  valDatasetId: string;
  /** The templates to tune. */
  modelIds: string[];
  budget?: CreateTrainJobRequest['budget'];
  trainArgs?: CreateTrainJobRequest['train_args'];
}

/** Where the Admin is, and an earlier login's token. */
export interface ClientOptions {
  /** Default `http://localhost:3000`. */
  adminUrl?: string;
  /** A token from an earlier login. */
  token?: string;
}

/** Who is logged in: their id and role. */
export interface CurrentUser { id: string; userType: UserType }

/** KServe v2 model metadata as Rafiki's predictors give it (src/frontend/routes/kserve-v2.ts). */
export interface V2ModelMetadata {
  name: string;
  platform: string;
  inputs: { name: string; datatype: string; shape: number[]; parameters?: { columns?: string[]; categories?: Record<string, string[]> } }[];
  /** A classifier's `probabilities` (FP32) and `labels` (BYTES), or a regression's `predictions`. */
  outputs: { name: string; datatype: string; shape: number[]; parameters?: { classes?: string[] } }[];
}

/**
 * Every call of the Admin's REST API as a typed method, over fetch alone (it runs in a browser too).
 * A failed call throws {@link RafikiClientError} with the Admin's status, code and message.
 * Methods taking `appVersion` default to -1, the app's latest version.
 */
export class AdminApi {
  protected readonly http: AdminHttp;
  private user: CurrentUser | undefined;

  /** A client of the Admin at `adminUrl`; give `token` to go on with an earlier login, or call {@link login}. */
  constructor({ adminUrl = 'http://localhost:3000', token }: ClientOptions = {}) {
    this.http = new AdminHttp(adminUrl);
    this.http.token = token;
  }

  /** The bearer token sent with each call: from {@link login} or the constructor; undefined when logged out. */
  get token(): string | undefined {
    return this.http.token;
  }

  /**
   * Logs in (`POST /tokens`): later calls send the token, valid for one hour.
   *
   * @example
   * const { userType } = await client.login('dev@example.com', 'a long password');
   */
  async login(email: string, password: string): Promise<CurrentUser> {
    const data = await this.http.request<TokenJson>('POST', '/tokens', { json: { email, password } });
    this.http.token = data.token;
    this.user = { id: data.user_id, userType: data.user_type };
    return this.user;
  }

  /** Forgets the token and the user (on this client only: the token stays valid until it expires). */
  logout(): void {
    this.http.token = undefined;
    this.user = undefined;
  }

  /** The logged-in user; throws when not logged in. */
  getCurrentUser(): CurrentUser {
    if (!this.user) throw new RafikiClientError(401, 'UNAUTHORIZED', 'not logged in: call login() first');
    return this.user;
  }

  /** Creates a user (admins; only a superadmin creates admins). */
  createUser(user: { email: string; password: string; userType: UserType }): Promise<UserJson> {
    return this.http.request('POST', '/users', { json: { email: user.email, password: user.password, user_type: user.userType } });
  }

  /** Every user (admins). */
  getUsers(): Promise<UserJson[]> {
    return this.http.request('GET', '/users');
  }

  /** Bans a user (admins): their tokens are refused from now on, by the Admin and by predictors. */
  banUser(email: string): Promise<UserJson> {
    return this.http.request('DELETE', '/users', { json: { email } });
  }

  /** Your templates and the public ones, optionally of one task: the latest version of each name, or every version with `allVersions`. */
  getAvailableModels(task?: Task, { allVersions = false }: { allVersions?: boolean } = {}): Promise<ModelJson[]> {
    return this.http.request('GET', '/models/available', { query: { task, all_versions: allVersions ? 'true' : undefined } });
  }

  /**
   * A template by its id, or by its name (yours, else the one public template of that name): its latest version, or `version`.
   *
   * @example
   * const latest = await client.getModel('knn');
   * const first = await client.getModel('knn', 1);
   */
  getModel(idOrName: string, version?: number): Promise<ModelJson> {
    return this.http.request('GET', `/models/${encodeURIComponent(idOrName)}`, { query: { version } });
  }

  /** The template's source file, byte for byte. */
  downloadModelFile(id: string): Promise<Uint8Array> {
    return this.http.request('GET', `/models/${encodeURIComponent(id)}/model_file`, { binary: true });
  }

  /** Deletes a template of yours that no train job uses; answers what it was. */
  deleteModel(id: string): Promise<ModelJson> {
    return this.http.request('DELETE', `/models/${encodeURIComponent(id)}`);
  }

  /** Your datasets, optionally of one task. */
  getDatasets(task?: Task): Promise<DatasetJson[]> {
    return this.http.request('GET', '/datasets', { query: { task } });
  }

  /** A dataset of yours: its size, checksum and what it holds (rows, columns, classes). */
  getDataset(id: string): Promise<DatasetJson> {
    return this.http.request('GET', `/datasets/${encodeURIComponent(id)}`);
  }

  /** What the dataset holds, briefly: a table's column types and first rows, or images' class counts and thumbnails. */
  getDatasetPreview(id: string): Promise<DatasetPreviewJson> {
    return this.http.request('GET', `/datasets/${encodeURIComponent(id)}/preview`);
  }

  /** Deletes a dataset of yours that no train job uses; answers what it was. */
  deleteDataset(id: string): Promise<DatasetJson> {
    return this.http.request('DELETE', `/datasets/${encodeURIComponent(id)}`);
  }

  /** Starts a train job: each template is tuned within the budget (per template). */
  createTrainJob(options: CreateTrainJobOptions): Promise<TrainJobJson> {
    const body: CreateTrainJobRequest = {
      app: options.app,
      task: options.task,
      train_dataset_id: options.trainDatasetId,
      val_dataset_id: options.valDatasetId,
      model_ids: options.modelIds,
      ...(options.budget ? { budget: options.budget } : {}),
      ...(options.trainArgs ? { train_args: options.trainArgs } : {}),
    };
    return this.http.request('POST', '/train_jobs', { json: body });
  }

  /** Train jobs of one app, or all of a user's (an admin may name another user). */
  getTrainJobs(filter: { app?: string; userId?: string } = {}): Promise<TrainJobJson[]> {
    return filter.app === undefined
      ? this.http.request('GET', '/train_jobs', { query: { user_id: filter.userId } })
      : this.http.request('GET', `/train_jobs/${encodeURIComponent(filter.app)}`);
  }

  /** A train job with its sub-jobs and workers; version -1 is the latest. */
  getTrainJob(app: string, appVersion = -1): Promise<TrainJobJson> {
    return this.http.request('GET', `/train_jobs/${encodeURIComponent(app)}/${appVersion}`);
  }

  /** Stops a running train job: running trials end, completed ones stay deployable. */
  stopTrainJob(app: string, appVersion = -1): Promise<TrainJobJson> {
    return this.http.request('POST', `/train_jobs/${encodeURIComponent(app)}/${appVersion}/stop`);
  }

  /** Every trial of a train job, with its knobs, status and score. */
  getTrials(app: string, appVersion = -1): Promise<TrialJson[]> {
    return this.http.request('GET', `/train_jobs/${encodeURIComponent(app)}/${appVersion}/trials`);
  }

  /** Completed trials by descending score. */
  getBestTrials(app: string, appVersion = -1, maxCount = 2): Promise<TrialJson[]> {
    return this.http.request('GET', `/train_jobs/${encodeURIComponent(app)}/${appVersion}/trials`, { query: { type: 'best', max_count: maxCount } });
  }

  /** Intermediate scores the job's trials reported, each with the early-stopping decision on it. */
  getTrialReports(app: string, appVersion = -1): Promise<TrialReportJson[]> {
    return this.http.request('GET', `/train_jobs/${encodeURIComponent(app)}/${appVersion}/reports`);
  }

  /**
   * The job live: its state, all its trials and reports, then each change as it
   * happens; the iteration ends when the job has ended (or on `break`). Aborting
   * `signal` ends it at once, even while it waits for the next change (it then throws).
   *
   * @example
   * for await (const change of client.watchTrainJob('iris')) {
   *   if (change.event === 'trials') for (const trial of change.data) console.log(trial.no, trial.status, trial.score);
   * }
   */
  async *watchTrainJob(app: string, appVersion = -1, options: { signal?: AbortSignal } = {}): AsyncGenerator<TrainJobEventJson> {
    const body = await this.http.request<ReadableStream<Uint8Array>>('GET', `/train_jobs/${encodeURIComponent(app)}/${appVersion}/events`, { stream: true, signal: options.signal });
    for await (const event of serverSentEvents(body)) yield event as TrainJobEventJson;
  }

  /** A trial by its id. */
  getTrial(id: string): Promise<TrialJson> {
    return this.http.request('GET', `/trials/${encodeURIComponent(id)}`);
  }

  /** What a trial logged while training: plots, metrics and messages. */
  getTrialLogs(id: string): Promise<TrialLogsJson> {
    return this.http.request('GET', `/trials/${encodeURIComponent(id)}/logs`);
  }

  /**
   * A trial's trained model as ONNX (with its input spec in the metadata as `rafiki.input`), to serve elsewhere.
   * A trial whose template exports no ONNX, or that saved no model, is a 404 saying which.
   *
   * @example
   * writeFileSync('iris.onnx', await client.downloadTrialOnnx(best.id));
   */
  downloadTrialOnnx(id: string): Promise<Uint8Array> {
    return this.http.request('GET', `/trials/${encodeURIComponent(id)}/onnx`, { binary: true });
  }

  /** Deploys the best completed trials of a train job that has ended (STOPPED or ERRORED); the answer's `predictor_host` takes queries. */
  createInferenceJob(app: string, appVersion = -1, budget?: CreateInferenceJobRequest['budget']): Promise<InferenceJobJson> {
    return this.http.request('POST', '/inference_jobs', { json: { app, app_version: appVersion, ...(budget ? { budget } : {}) } });
  }

  /** Inference jobs of one app, or all of a user's (an admin may name another user). */
  getInferenceJobs(filter: { app?: string; userId?: string } = {}): Promise<InferenceJobJson[]> {
    return filter.app === undefined
      ? this.http.request('GET', '/inference_jobs', { query: { user_id: filter.userId } })
      : this.http.request('GET', `/inference_jobs/${encodeURIComponent(filter.app)}`);
  }

  /**
   * The running inference job of an app version (`GET /inference_jobs/:app/:app_version`): its
   * `predictor_host` takes queries. Throws a 404 {@link RafikiClientError} when none runs.
   * There is no `getInferenceJob`: an app version has at most one running job, and its stopped
   * ones are in {@link getInferenceJobs}.
   *
   * @example
   * const { predictor_host } = await client.getRunningInferenceJob('iris');
   */
  getRunningInferenceJob(app: string, appVersion = -1): Promise<InferenceJobJson> {
    return this.http.request('GET', `/inference_jobs/${encodeURIComponent(app)}/${appVersion}`);
  }

  /** The running job's model as its predictor describes it: KServe v2 metadata (inputs with their columns or image shape, classes). */
  getInferenceJobModel(app: string, appVersion = -1): Promise<V2ModelMetadata> {
    return this.http.request('GET', `/inference_jobs/${encodeURIComponent(app)}/${appVersion}/model`);
  }

  /**
   * One query through the Admin, which asks the job's predictor with this token; for many queries, query the predictor itself.
   * The answer is the predictor's: the prediction and, for a classification, its label and the label's probability.
   */
  predictThroughAdmin(app: string, appVersion: number, query: unknown): Promise<PredictAnswer> {
    return this.http.request('POST', `/inference_jobs/${encodeURIComponent(app)}/${appVersion}/predict`, { json: { query } });
  }

  /** The running job's serving figures since it started (counts and cumulative histograms; two readings give rates). */
  getServingFigures(app: string, appVersion = -1): Promise<ServingFiguresJson> {
    return this.http.request('GET', `/inference_jobs/${encodeURIComponent(app)}/${appVersion}/serving`);
  }

  /** The Admin's Prometheus metrics (admins only): requests by route, jobs and trials by status, trial durations, pending trials. */
  async getMetrics(): Promise<string> {
    return new TextDecoder().decode(await this.http.request<Uint8Array>('GET', '/metrics', { binary: true }));
  }

  /** The running inference jobs this user may query: all of them for app users and admins, their own for developers. */
  listPredictors(): Promise<PredictorJson[]> {
    return this.http.request('GET', '/predictors');
  }

  /** One running inference job this user may query, by its id; 404 when it is not one they may query. */
  getPredictor(inferenceJobId: string): Promise<PredictorJson> {
    return this.http.request('GET', `/predictors/${encodeURIComponent(inferenceJobId)}`);
  }

  /** A running job's model by its inference job id (KServe v2 metadata), for users who may query it but do not own it. */
  getPredictorModel(inferenceJobId: string): Promise<V2ModelMetadata> {
    return this.http.request('GET', `/predictors/${encodeURIComponent(inferenceJobId)}/model`);
  }

  /** One query to a running job by its inference job id, through the Admin: the predictor's answer, with the label of a classification. */
  predictThroughPredictor(inferenceJobId: string, query: unknown): Promise<PredictAnswer> {
    return this.http.request('POST', `/predictors/${encodeURIComponent(inferenceJobId)}/predict`, { json: { query } });
  }

  /** Stops the running inference job of an app version: its predictor answers what is in flight, then ends. */
  stopInferenceJob(app: string, appVersion = -1): Promise<InferenceJobJson> {
    return this.http.request('POST', `/inference_jobs/${encodeURIComponent(app)}/${appVersion}/stop`);
  }
}
