/**
 * Every status change of a job or a trial goes through here: it is written to
 * the store, and then told to a listener (the log and the metrics). A train
 * job's own status is never set directly: it follows its sub-jobs'
 * (`trainJobStatus`), and is written when one of them moves.
 */
import type { JobStatus, TrialStatus } from '../../common/domain.ts';
import type { InferenceJobRecord, InferenceJobStore } from '../store/inference-jobs.ts';
import type { TrainJobRecord, TrainJobStore } from '../store/train-jobs.ts';
import type { TrialEnd, TrialStore } from '../store/trials.ts';
import { trainJobStatus } from './statuses.ts';

/** A status change, as the log and the metrics see it. */
export type Transition =
  | { entity: 'train_job'; id: string; app: string; appVersion: number; from: JobStatus | null; status: JobStatus; error: string | null }
  | { entity: 'sub_train_job'; id: string; trainJobId: string; status: JobStatus; error: string | null }
  | { entity: 'trial'; id: string; subTrainJobId: string; no: number; status: TrialStatus; error: string | null; score: number | null; seconds: number | null }
  | { entity: 'inference_job'; id: string; trainJobId: string; status: JobStatus; error: string | null };

export type TransitionListener = (transition: Transition) => void;

/** What the transitions write. */
export interface TransitionStore {
  trainJobs: Pick<TrainJobStore, 'byId' | 'subJobs' | 'setSubStatus' | 'setStatus'>;
  trials: Pick<TrialStore, 'start' | 'finish' | 'interruptRunning'>;
  inferenceJobs: Pick<InferenceJobStore, 'update'>;
}

type TrialFinish = Parameters<TrialStore['finish']>[1];

const secondsOf = (trial: TrialEnd): number | null => (trial.stoppedAt ? (trial.stoppedAt.getTime() - trial.startedAt.getTime()) / 1000 : null);

const trialTransition = (trial: TrialEnd): Transition => ({
  entity: 'trial', id: trial.id, subTrainJobId: trial.subTrainJobId, no: trial.no, status: trial.status, error: trial.error, score: trial.score, seconds: secondsOf(trial),
});

/**
 * @example
 * const transitions = new JobTransitions(store, (t) => console.log(t.entity, t.id, t.status));
 * await transitions.subJobMoved(sub.trainJobId, sub.id, 'RUNNING');
 */
export class JobTransitions {
  constructor(private readonly store: TransitionStore, private readonly listener: TransitionListener = () => {}) {}

  private tell(transition: Transition): void {
    // A listener's failure (a log that cannot be written) must not undo what the store already holds.
    try {
      this.listener(transition);
    } catch (error) {
      console.error('a job transition could not be told:', error);
    }
  }

  /** A train job was created (STARTED): told, since the store made it. */
  trainJobCreated(job: TrainJobRecord): void {
    this.tell({ entity: 'train_job', id: job.id, app: job.app, appVersion: job.appVersion, from: null, status: job.status, error: job.error });
  }

  inferenceJobCreated(job: InferenceJobRecord): void {
    this.tell({ entity: 'inference_job', id: job.id, trainJobId: job.trainJobId, status: job.status, error: job.error });
  }

  async trialStarted(input: Parameters<TrialStore['start']>[0]): Promise<Awaited<ReturnType<TrialStore['start']>>> {
    const trial = await this.store.trials.start(input);
    this.tell(trialTransition(trial));
    return trial;
  }

  async trialEnded(id: string, end: TrialFinish): Promise<void> {
    const trial = await this.store.trials.finish(id, end);
    if (trial) this.tell(trialTransition(trial));
  }

  /** Trials that a process left running (it is gone, or stopping) end ERRORED with `reason`. */
  async trialsInterrupted(reason: string, subTrainJobId: string): Promise<void> {
    for (const trial of await this.store.trials.interruptRunning(reason, subTrainJobId)) this.tell(trialTransition(trial));
  }

  /** A sub-job moves; its train job's status follows. */
  async subJobMoved(trainJobId: string, subId: string, status: JobStatus, error: string | null = null): Promise<void> {
    const sub = await this.store.trainJobs.setSubStatus(subId, status, error);
    if (sub) this.tell({ entity: 'sub_train_job', id: sub.id, trainJobId, status: sub.status, error: sub.error });
    await this.trainJobFollows(trainJobId);
  }

  /** Sets a train job's status from its sub-jobs'. */
  async trainJobFollows(trainJobId: string): Promise<void> {
    const before = await this.store.trainJobs.byId(trainJobId);
    const job = await this.store.trainJobs.setStatus(trainJobId, trainJobStatus(await this.store.trainJobs.subJobs(trainJobId)));
    if (job && before && before.status !== job.status) {
      this.tell({ entity: 'train_job', id: job.id, app: job.app, appVersion: job.appVersion, from: before.status, status: job.status, error: job.error });
    }
  }

  async inferenceJobMoved(job: Pick<InferenceJobRecord, 'id' | 'trainJobId'>, change: Parameters<InferenceJobStore['update']>[1]): Promise<void> {
    await this.store.inferenceJobs.update(job.id, change);
    this.tell({ entity: 'inference_job', id: job.id, trainJobId: job.trainJobId, status: change.status, error: change.error ?? null });
  }
}
