/**
 * Train jobs' use cases: what may start (datasets, templates, budget), who
 * sees and stops which job, and which trials a caller may read. Each takes the
 * caller and plain values, and answers records or throws a RafikiError; the
 * routes only translate HTTP to these calls.
 */
import { TRAIN_BUDGET_DEFAULTS, type Task, type TrainBudget } from '../../common/domain.ts';
import { badRequest, conflict, forbidden, notFound } from '../../common/errors.ts';
import { isAdmin, owns, visibleModelOr404 } from '../access.ts';
import type { Caller } from '../auth/guard.ts';
import type { DatasetRecord, DatasetStore } from '../store/datasets.ts';
import type { ModelStore } from '../store/models.ts';
import type { ServiceRecord, ServiceStore } from '../store/services.ts';
import type { SubTrainJobRecord, TrainJobRecord, TrainJobStore } from '../store/train-jobs.ts';
import type { TrialRecord, TrialReport, TrialStore } from '../store/trials.ts';
import type { TrainingManager } from '../training/manager.ts';
import { isActive } from './statuses.ts';
import type { JobTransitions } from './transitions.ts';

export interface TrainJobsDeps {
  /** This Admin's id: the jobs it creates are its own to run. */
  adminId: string;
  store: {
    trainJobs: Pick<TrainJobStore, 'create' | 'byApp' | 'byId' | 'ofUser' | 'subJobs'>;
    datasets: Pick<DatasetStore, 'byId'>;
    models: Pick<ModelStore, 'byId'>;
    trials: Pick<TrialStore, 'byId' | 'ofTrainJob' | 'best' | 'ofSubJob' | 'reports' | 'logs' | 'parameters'>;
    services: Pick<ServiceStore, 'ofSubJob'>;
  };
  training: Pick<TrainingManager, 'start' | 'stop'>;
  transitions: Pick<JobTransitions, 'trainJobCreated'>;
}

export interface StartTrainJob {
  app: string;
  task: Task;
  train_dataset_id: string;
  val_dataset_id: string;
  model_ids: string[];
  budget?: TrainBudget | undefined;
  train_args?: TrainJobRecord['trainArgs'] | undefined;
}

export interface SubJobDetail {
  sub: SubTrainJobRecord;
  modelName: string;
  modelVersion: number;
  trials: number;
  workers: ServiceRecord[];
}

/**
 * A train job's budget: the request's fields over the defaults (TRAIN_BUDGET_DEFAULTS); a GPU is refused, as this Rafiki has none.
 *
 * @example
 * trainBudget({ MODEL_TRIAL_COUNT: 4 }); // { MODEL_TRIAL_COUNT: 4, TIME_HOURS: 0.1, WORKER_COUNT: 1, GPU_COUNT: 0 }
 */
export function trainBudget(budget: TrainBudget = {}): TrainJobRecord['budget'] {
  const full = { ...TRAIN_BUDGET_DEFAULTS, ...budget };
  if (full.GPU_COUNT > 0) throw badRequest(`budget: GPU_COUNT is ${full.GPU_COUNT} but this Rafiki has no GPU; use 0`);
  return full;
}

/**
 * A failed trial's stack is for its job's owner and admins (it shows where the
 * template failed, with its code's lines); anyone else gets the one-line error only.
 */
export const errorStackFor = (caller: Caller, job: Pick<TrainJobRecord, 'userId'>, trial: Pick<TrialRecord, 'errorStack'>): string | null =>
  owns(caller, job) ? trial.errorStack : null;

/** The target and features a job names must be columns of its datasets: said at once, rather than by a failed job. */
function checkColumns(args: StartTrainJob['train_args'], dataset: Pick<DatasetRecord, 'name' | 'stats'>): void {
  const columns = dataset.stats.columns;
  if (!columns || !args) return;
  const known = `(its columns are ${columns.map((c) => `"${c}"`).join(', ')})`;
  if (args.target !== undefined && !columns.includes(args.target)) throw badRequest(`train_args.target: dataset ${dataset.name} has no column "${args.target}" ${known}`);
  const missing = (args.features ?? []).filter((f) => !columns.includes(f));
  if (missing.length > 0) throw badRequest(`train_args.features: dataset ${dataset.name} has no column ${missing.map((c) => `"${c}"`).join(', ')} ${known}`);
}

const versionText = (version: number) => (version === -1 ? '' : ` version ${version}`);

export class TrainJobs {
  constructor(private readonly deps: TrainJobsDeps) {}

  /** Checks the request against the caller's datasets and the templates they may use, then starts the job. */
  async start(caller: Caller, request: StartTrainJob): Promise<TrainJobRecord> {
    const { store } = this.deps;
    const budget = trainBudget(request.budget);
    for (const [field, id] of [['train_dataset_id', request.train_dataset_id], ['val_dataset_id', request.val_dataset_id]] as const) {
      // The caller's own datasets only, admins included: a job reads its owner's data.
      const dataset = await store.datasets.byId(id);
      if (!dataset || dataset.userId !== caller.id) throw notFound(`${field}: dataset ${id} not found among your datasets`);
      if (dataset.task !== request.task) throw badRequest(`${field}: dataset ${dataset.name} is for ${dataset.task}, not ${request.task}`);
      checkColumns(request.train_args, dataset);
      // Its classes were read from the default target (the last column, or the images' folders).
      if (field === 'train_dataset_id' && request.task !== 'TABULAR_REGRESSION' && request.train_args?.target === undefined && dataset.stats.classes.length === 1) {
        throw badRequest(`train_dataset_id: dataset ${dataset.name} has one class ("${dataset.stats.classes[0]}"); a classifier learns from at least two`);
      }
    }
    if (new Set(request.model_ids).size !== request.model_ids.length) throw badRequest('model_ids: a model is listed twice');
    for (const id of request.model_ids) {
      const model = visibleModelOr404(caller, await store.models.byId(id), id);
      if (model.task !== request.task) throw badRequest(`model_ids: model ${model.name} is for ${model.task}, not ${request.task}`);
    }
    const job = await store.trainJobs.create({
      userId: caller.id, app: request.app, task: request.task, trainDatasetId: request.train_dataset_id, valDatasetId: request.val_dataset_id,
      budget, trainArgs: request.train_args ?? {}, modelIds: request.model_ids, adminId: this.deps.adminId,
    });
    if (!job) throw conflict(`app ${request.app} already has a running train job; stop it first`);
    this.deps.transitions.trainJobCreated(job);
    this.deps.training.start(job);
    return job;
  }

  /** A user's jobs: the caller's own, or anyone's for an admin. */
  async ofUser(caller: Caller, userId: string = caller.id): Promise<TrainJobRecord[]> {
    if (userId !== caller.id && !isAdmin(caller)) throw forbidden("only admins list other users' train jobs");
    return this.deps.store.trainJobs.ofUser(userId);
  }

  ofApp(caller: Caller, app: string): Promise<TrainJobRecord[]> {
    return this.deps.store.trainJobs.ofUser(caller.id, app);
  }

  /** The caller's job of an app (version -1: the latest); 404 when there is none. */
  async get(caller: Caller, app: string, version: number): Promise<TrainJobRecord> {
    const job = await this.deps.store.trainJobs.byApp(caller.id, app, version);
    if (!job) throw notFound(`no train job of app ${app}${versionText(version)}`);
    return job;
  }

  /** Its sub-jobs, each with its template's name, its trial count and its workers. */
  async subJobs(job: TrainJobRecord): Promise<SubJobDetail[]> {
    const { store } = this.deps;
    return Promise.all((await store.trainJobs.subJobs(job.id)).map(async (sub) => {
      // A template a job uses cannot be deleted (its sub-jobs reference it), so it is there.
      const model = (await store.models.byId(sub.modelId))!;
      return {
        sub,
        modelName: model.name,
        modelVersion: model.version,
        trials: (await store.trials.ofSubJob(sub.id)).length,
        workers: await store.services.ofSubJob(sub.id),
      };
    }));
  }

  /** Stops a job at work and waits for its trials to end; 409 when it has already ended. */
  async stop(caller: Caller, app: string, version: number): Promise<TrainJobRecord> {
    const job = await this.get(caller, app, version);
    if (!isActive(job.status)) throw conflict(`train job ${job.app} v${job.appVersion} is already ${job.status}`);
    await this.deps.training.stop(job.id);
    return (await this.deps.store.trainJobs.byId(job.id))!;
  }

  /** Its trials, or with `best` its best completed trials by score. */
  async trials(caller: Caller, app: string, version: number, options: { best?: boolean; maxCount?: number } = {}): Promise<{ job: TrainJobRecord; trials: TrialRecord[] }> {
    const job = await this.get(caller, app, version);
    const trials = options.best ? await this.deps.store.trials.best(job.id, options.maxCount ?? 2) : await this.deps.store.trials.ofTrainJob(job.id);
    return { job, trials };
  }

  async reports(caller: Caller, app: string, version: number): Promise<TrialReport[]> {
    const job = await this.get(caller, app, version);
    return this.deps.store.trials.reports(job.id);
  }

  /** A trial of one of the caller's jobs (any job's for an admin); 404 otherwise, so that others' trials are not revealed. */
  async trial(caller: Caller, id: string): Promise<{ trial: TrialRecord; job: TrainJobRecord }> {
    const trial = await this.deps.store.trials.byId(id);
    const job = trial ? await this.deps.store.trainJobs.byId(trial.trainJobId) : null;
    if (!trial || !job || !(job.userId === caller.id || isAdmin(caller))) throw notFound(`trial ${id} not found`);
    return { trial, job };
  }

  async trialLogs(caller: Caller, id: string) {
    const { trial } = await this.trial(caller, id);
    return this.deps.store.trials.logs(trial.id);
  }

  /** A trial's saved parameters; 404 naming its status when it has none. */
  async trialParameters(caller: Caller, id: string): Promise<Uint8Array> {
    const { trial } = await this.trial(caller, id);
    const saved = await this.deps.store.trials.parameters(trial.id);
    if (!saved) throw notFound(`trial ${trial.id} has no saved parameters (it is ${trial.status})`);
    return saved.params;
  }

  /** A trial's trained model as ONNX; a 404 saying why when it has none. */
  async trialOnnx(caller: Caller, id: string): Promise<Uint8Array> {
    const { trial } = await this.trial(caller, id);
    const saved = await this.deps.store.trials.parameters(trial.id);
    if (!saved) throw notFound(`trial ${trial.id} has no ONNX model: it is ${trial.status} and saved no model (only a COMPLETED trial, or one stopped early, has one)`);
    if (!saved.onnx) throw notFound(`trial ${trial.id} has no ONNX model: its template ${trial.modelName} does not export one (it has no toOnnx; its own predict serves it)`);
    return saved.onnx;
  }
}
