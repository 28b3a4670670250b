/**
 * Inference jobs' use cases: which train jobs and trials may be deployed, with
 * what budget, who sees and stops which job. The routes only translate HTTP
 * to these calls; proxying queries to a running job stays with them.
 */
import type { Config } from '../../common/config.ts';
import type { InferenceBudget } from '../../common/domain.ts';
import { badRequest, conflict, forbidden, notFound, RafikiError } from '../../common/errors.ts';
import { isAdmin } from '../access.ts';
import type { Caller } from '../auth/guard.ts';
import type { InferenceManager } from '../inference/manager.ts';
import type { InferenceJobRecord, InferenceJobStore } from '../store/inference-jobs.ts';
import type { TrainJobRecord, TrainJobStore } from '../store/train-jobs.ts';
import type { TrialRecord, TrialStore } from '../store/trials.ts';
import { queryAccess } from '../../common/query-access.ts';
import { answersQueries, deployRefusal, isDeployable } from './statuses.ts';
import type { JobTransitions } from './transitions.ts';

export interface InferenceJobsDeps {
  /** This Admin's id: the jobs it creates are its own to run. */
  adminId: string;
  /** With Redis, a job's frontends share its queries. */
  config: Pick<Config, 'redisUrl'>;
  store: {
    trainJobs: Pick<TrainJobStore, 'byApp' | 'byId' | 'ofUser'>;
    trials: Pick<TrialStore, 'ofTrainJob'>;
    inferenceJobs: Pick<InferenceJobStore, 'create' | 'byId' | 'runningOf' | 'running' | 'ofUser' | 'ofTrainJobs'>;
  };
  inference: Pick<InferenceManager, 'deploy' | 'stop'>;
  transitions: Pick<JobTransitions, 'inferenceJobCreated'>;
}

export interface DeployInferenceJob {
  app: string;
  app_version?: number | undefined;
  budget?: InferenceBudget | undefined;
}

/** An inference job with the app and version of its train job. */
export interface InferenceJobView { job: InferenceJobRecord; trainJob: TrainJobRecord }
/** A job that answers queries now, with its predictor's address. */
export interface ServingJobView { job: InferenceJobRecord & { predictorHost: string }; trainJob: TrainJobRecord }

const mayQuery = (caller: Caller, job: InferenceJobRecord) => queryAccess({ userId: caller.id, userType: caller.userType }, job.userId) !== 'none';

/**
 * By default the best trial of each template; with MODEL_COUNT, the best that many overall.
 *
 * @example
 * chooseTrials(completed, undefined).map((t) => t.modelId); // one id per template, best first
 */
export function chooseTrials(completed: TrialRecord[], modelCount: number | undefined): TrialRecord[] {
  const ranked = [...completed].sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity));
  if (modelCount !== undefined) return ranked.slice(0, modelCount);
  const seen = new Set<string>();
  return ranked.filter((trial) => !seen.has(trial.modelId) && seen.add(trial.modelId));
}

/**
 * An inference job's budget: one frontend, one replica per trial, no GPU,
 * unless the request says otherwise. A GPU is refused, as this Rafiki has
 * none; several frontends need a queue they share (Redis).
 */
export function inferenceBudget(budget: InferenceBudget = {}, { sharedQueue }: { sharedQueue: boolean }): { REPLICA_COUNT: number; FRONTEND_COUNT: number; GPU_COUNT: number; MODEL_COUNT?: number } {
  const full = { REPLICA_COUNT: 1, FRONTEND_COUNT: 1, GPU_COUNT: 0, ...budget };
  if (full.GPU_COUNT > 0) throw badRequest(`budget: GPU_COUNT is ${full.GPU_COUNT} but this Rafiki has no GPU; use 0`);
  if (full.FRONTEND_COUNT > 1 && !sharedQueue) {
    throw badRequest(`budget: FRONTEND_COUNT is ${full.FRONTEND_COUNT} but frontends share a job's queries through Redis, which this Rafiki has not (REDIS_URL); use 1`);
  }
  return full;
}

const versionText = (version: number) => (version === -1 ? '' : ` version ${version}`);

export class InferenceJobs {
  constructor(private readonly deps: InferenceJobsDeps) {}

  private async trainJobOf(caller: Caller, app: string, version: number): Promise<TrainJobRecord> {
    const job = await this.deps.store.trainJobs.byApp(caller.id, app, version);
    if (!job) throw notFound(`no train job of app ${app}${versionText(version)}`);
    return job;
  }

  /**
   * Deploys the best completed trials of a train job that has ended, STOPPED or
   * ERRORED (a job that failed late keeps what completed before); answers once
   * its frontend is ready.
   */
  async deploy(caller: Caller, request: DeployInferenceJob): Promise<InferenceJobView> {
    const { store } = this.deps;
    const budget = inferenceBudget(request.budget, { sharedQueue: this.deps.config.redisUrl !== undefined });
    const trainJob = await this.trainJobOf(caller, request.app, request.app_version ?? -1);
    const trials = await store.trials.ofTrainJob(trainJob.id);
    const refusal = deployRefusal(trainJob, trials);
    if (refusal) throw conflict(refusal);
    const chosen = chooseTrials(trials.filter(isDeployable), budget.MODEL_COUNT);
    const job = await store.inferenceJobs.create({
      userId: caller.id,
      trainJobId: trainJob.id,
      budget: { MODEL_COUNT: chosen.length, ...budget },
      trialIds: chosen.map((trial) => trial.id),
      adminId: this.deps.adminId,
    });
    if (!job) throw conflict(`train job ${trainJob.app} v${trainJob.appVersion} already has a running inference job`);
    this.deps.transitions.inferenceJobCreated(job);
    try {
      await this.deps.inference.deploy(job, trainJob);
    } catch (error) {
      throw new RafikiError('UNAVAILABLE', `the inference job could not start: ${(error as Error).message}`);
    }
    return { job: (await store.inferenceJobs.byId(job.id))!, trainJob };
  }

  private async withTrainJobs(jobs: InferenceJobRecord[]): Promise<InferenceJobView[]> {
    return Promise.all(jobs.map(async (job) => ({ job, trainJob: (await this.deps.store.trainJobs.byId(job.trainJobId))! })));
  }

  /** A user's inference jobs: the caller's own, or anyone's for an admin. */
  async ofUser(caller: Caller, userId: string = caller.id): Promise<InferenceJobView[]> {
    if (userId !== caller.id && !isAdmin(caller)) throw forbidden("only admins list other users' inference jobs");
    return this.withTrainJobs(await this.deps.store.inferenceJobs.ofUser(userId));
  }

  async ofApp(caller: Caller, app: string): Promise<InferenceJobView[]> {
    const trainJobs = await this.deps.store.trainJobs.ofUser(caller.id, app);
    return this.withTrainJobs(await this.deps.store.inferenceJobs.ofTrainJobs(trainJobs.map((j) => j.id)));
  }

  /** The STARTED or RUNNING inference job of an app version; 404 when there is none. */
  async running(caller: Caller, app: string, version: number): Promise<InferenceJobView> {
    const trainJob = await this.trainJobOf(caller, app, version);
    const job = await this.deps.store.inferenceJobs.runningOf(trainJob.id);
    if (!job) throw notFound(`train job ${trainJob.app} v${trainJob.appVersion} has no running inference job`);
    return { job, trainJob };
  }

  /** The running job that answers queries now (RUNNING, with its predictor's address); 409 otherwise. */
  async serving(caller: Caller, app: string, version: number): Promise<ServingJobView> {
    const trainJob = await this.trainJobOf(caller, app, version);
    const job = await this.deps.store.inferenceJobs.runningOf(trainJob.id);
    if (!job || !answersQueries(job)) throw conflict(`train job ${trainJob.app} v${trainJob.appVersion} has no running inference job`);
    return { job, trainJob };
  }

  /** The jobs answering queries now that the caller may query: every one for app users and admins, their own for developers. */
  async queryable(caller: Caller): Promise<ServingJobView[]> {
    const jobs = (await this.deps.store.inferenceJobs.running()).filter((job) => mayQuery(caller, job) && answersQueries(job));
    return this.withTrainJobs(jobs) as Promise<ServingJobView[]>;
  }

  /** One job the caller may query, by its id: 404 when it is not theirs to query (as for anything they may not see), 409 when it does not answer now. */
  async queryableById(caller: Caller, id: string): Promise<ServingJobView> {
    const job = await this.deps.store.inferenceJobs.byId(id);
    if (!job || !mayQuery(caller, job)) throw notFound(`inference job ${id} not found`);
    if (!answersQueries(job)) throw conflict(`inference job ${id} is ${job.status}; only a RUNNING job answers queries`);
    return { job, trainJob: (await this.deps.store.trainJobs.byId(job.trainJobId))! };
  }

  /** Stops the running job of an app version once what is in flight is answered; 409 when none runs. */
  async stop(caller: Caller, app: string, version: number): Promise<InferenceJobView> {
    const trainJob = await this.trainJobOf(caller, app, version);
    const job = await this.deps.store.inferenceJobs.runningOf(trainJob.id);
    if (!job) throw conflict(`train job ${trainJob.app} v${trainJob.appVersion} has no running inference job to stop`);
    await this.deps.inference.stop(job);
    return { job: (await this.deps.store.inferenceJobs.byId(job.id))!, trainJob };
  }
}
