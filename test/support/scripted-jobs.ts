/**
 * Small real implementations of what the job use cases start, for testing them
 * in-process: training that runs no worker but moves sub-jobs and stores trials
 * through the same transitions as the Admin's runners, and an inference manager
 * that marks a job RUNNING without starting its frontend. The store under them
 * is a real one (PGlite, or the Postgres server of DATABASE_URL).
 */
import type { TrialStatus } from '../../src/common/domain.ts';
import type { Caller } from '../../src/admin/auth/guard.ts';
import { isActive } from '../../src/admin/jobs/statuses.ts';
import { JobTransitions, type Transition } from '../../src/admin/jobs/transitions.ts';
import type { InferenceJobRecord } from '../../src/admin/store/inference-jobs.ts';
import type { Store } from '../../src/admin/store/store.ts';
import type { TrainJobRecord } from '../../src/admin/store/train-jobs.ts';
import type { RafikiError } from '../../src/common/errors.ts';

export interface ScriptedTrial { modelId: string; status: Exclude<TrialStatus, 'PENDING' | 'RUNNING'>; score?: number; error?: string }

export class ScriptedTraining {
  readonly started: TrainJobRecord[] = [];

  constructor(private readonly store: Store, private readonly transitions: JobTransitions) {}

  start(job: TrainJobRecord): void {
    this.started.push(job);
  }

  /** Plays a job as its runners would: every sub-job RUNNING, the trials in order, then each sub-job ends as `ends` says (STOPPED by default). */
  async play(jobId: string, trials: ScriptedTrial[], ends: Record<string, { status: 'STOPPED' | 'ERRORED'; error?: string }> = {}): Promise<void> {
    const subs = await this.store.trainJobs.subJobs(jobId);
    for (const sub of subs) await this.transitions.subJobMoved(jobId, sub.id, 'RUNNING');
    for (const [i, trial] of trials.entries()) {
      const sub = subs.find((s) => s.modelId === trial.modelId)!;
      const started = await this.transitions.trialStarted({ subTrainJobId: sub.id, no: i + 1, modelId: trial.modelId, knobs: { k: i }, workerId: null });
      await this.transitions.trialEnded(started.id, {
        status: trial.status, score: trial.score ?? null, error: trial.error ?? null,
        ...(trial.status === 'COMPLETED' ? { params: new Uint8Array([i]) } : {}),
      });
    }
    for (const sub of subs) {
      const end = ends[sub.modelId] ?? { status: 'STOPPED' };
      await this.transitions.subJobMoved(jobId, sub.id, end.status, end.error ?? null);
    }
  }

  async stop(jobId: string): Promise<void> {
    for (const sub of await this.store.trainJobs.subJobs(jobId)) {
      if (isActive(sub.status)) await this.transitions.subJobMoved(jobId, sub.id, 'STOPPED');
    }
    await this.transitions.trainJobFollows(jobId);
  }
}

export class ScriptedInference {
  constructor(private readonly transitions: JobTransitions) {}

  async deploy(job: InferenceJobRecord): Promise<string> {
    const predictorHost = `127.0.0.1:${10_000 + (job.trialIds.length % 100)}`;
    await this.transitions.inferenceJobMoved(job, { status: 'RUNNING', predictorHost });
    return predictorHost;
  }

  async stop(job: Pick<InferenceJobRecord, 'id' | 'trainJobId'>): Promise<void> {
    await this.transitions.inferenceJobMoved(job, { status: 'STOPPED' });
  }
}

/** Users, two tabular datasets, and templates for the use case tests. */
export async function seed(store: Store) {
  const user = async (email: string, userType: Caller['userType']): Promise<Caller> => {
    const created = (await store.users.create({ email, passwordHash: 'h', userType }))!;
    return { id: created.id, email: created.email, userType: created.userType };
  };
  const dev = await user('dev@example.com', 'APP_DEVELOPER');
  const other = await user('other@example.com', 'MODEL_DEVELOPER');
  const admin = await user('admin@example.com', 'ADMIN');
  const dataset = (owner: Caller, name: string, task: 'TABULAR_CLASSIFICATION' | 'TABULAR_REGRESSION') =>
    store.datasets.create({ userId: owner.id, name, task, sha256: name.padEnd(64, '0'), sizeBytes: 1, stats: { classes: [] } });
  const model = async (owner: Caller, name: string, task: 'TABULAR_CLASSIFICATION' | 'TABULAR_REGRESSION', accessRight: 'PUBLIC' | 'PRIVATE' = 'PUBLIC') =>
    (await store.models.create({ userId: owner.id, name, task, modelClass: 'M', dependencies: {}, accessRight, knobConfig: {}, code: new Uint8Array([1]) }))!;
  return {
    dev, other, admin,
    iris: await dataset(dev, 'iris', 'TABULAR_CLASSIFICATION'),
    diabetes: await dataset(dev, 'diabetes', 'TABULAR_REGRESSION'),
    othersData: await dataset(other, 'theirs', 'TABULAR_CLASSIFICATION'),
    softmax: await model(other, 'softmax', 'TABULAR_CLASSIFICATION'),
    knn: await model(other, 'knn', 'TABULAR_CLASSIFICATION'),
    ridge: await model(other, 'ridge', 'TABULAR_REGRESSION'),
    secret: await model(other, 'secret', 'TABULAR_CLASSIFICATION', 'PRIVATE'),
  };
}

/** A store's job transitions, and every transition told, in order. */
export function recordedTransitions(store: Store): { transitions: JobTransitions; told: Transition[] } {
  const told: Transition[] = [];
  return { transitions: new JobTransitions(store, (t) => told.push(t)), told };
}

/** The status and message a use case refused with; fails when it did not refuse. */
export async function refusal(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { status: (error as RafikiError).status, message: (error as RafikiError).message };
  }
  throw new Error('expected a refusal');
}
