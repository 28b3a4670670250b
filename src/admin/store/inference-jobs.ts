/** Inference jobs: a train job's best trials, deployed behind one or more query frontends. */
import type { InferenceBudget, JobStatus } from '../../common/domain.ts';
import { ACTIVE_JOB_STATUSES, isActive } from '../jobs/statuses.ts';
import type { Sql } from './database.ts';

export interface InferenceJobRecord {
  id: string;
  userId: string;
  trainJobId: string;
  budget: Required<InferenceBudget>;
  status: JobStatus;
  error: string | null;
  /** Where clients are sent first: the first frontend's host:port. */
  predictorHost: string | null;
  /** Every frontend's host:port, the first one first. */
  predictorHosts: string[];
  trialIds: string[];
  startedAt: Date;
  stoppedAt: Date | null;
}

interface Row {
  /** Jobs stored before FRONTEND_COUNT existed have one frontend. */
  id: string; user_id: string; train_job_id: string; budget: Omit<InferenceJobRecord['budget'], 'FRONTEND_COUNT'> & { FRONTEND_COUNT?: number }; status: JobStatus;
  error: string | null; predictor_host: string | null; predictor_hosts: string[] | null; trial_ids: string[] | null; started_at: Date; stopped_at: Date | null;
}

const toJob = (r: Row): InferenceJobRecord => ({
  id: r.id, userId: r.user_id, trainJobId: r.train_job_id, budget: { FRONTEND_COUNT: 1, ...r.budget }, status: r.status, error: r.error,
  predictorHost: r.predictor_host, predictorHosts: r.predictor_hosts ?? (r.predictor_host ? [r.predictor_host] : []), trialIds: r.trial_ids ?? [], startedAt: r.started_at, stoppedAt: r.stopped_at,
});

export class InferenceJobStore {
  constructor(private readonly sql: Sql) {}

  private select(where: ReturnType<Sql>) {
    return this.sql<Row[]>`
      select j.*, (select array_agg(trial_id::text order by trial_id) from inference_job_trials where inference_job_id = j.id) as trial_ids
      from inference_jobs j ${where}`;
  }

  /** Null when the train job already has a running inference job. */
  async create(input: { userId: string; trainJobId: string; budget: InferenceJobRecord['budget']; trialIds: string[]; adminId: string }): Promise<InferenceJobRecord | null> {
    try {
      const id = await this.sql.begin(async (tx) => {
        const [row] = await tx<{ id: string }[]>`insert into inference_jobs (user_id, train_job_id, budget, admin_id)
          values (${input.userId}, ${input.trainJobId}, ${tx.json(input.budget)}, ${input.adminId}) returning id`;
        for (const trialId of input.trialIds) await tx`insert into inference_job_trials (inference_job_id, trial_id) values (${row!.id}, ${trialId})`;
        return row!.id;
      });
      return this.byId(id);
    } catch (error) {
      // The partial unique index allows one STARTED or RUNNING job per train job.
      if ((error as { code?: string }).code === '23505') return null;
      throw error;
    }
  }

  async byId(id: string): Promise<InferenceJobRecord | null> {
    const [row] = await this.select(this.sql`where j.id = ${id}`);
    return row ? toJob(row) : null;
  }

  async ofUser(userId: string): Promise<InferenceJobRecord[]> {
    return (await this.select(this.sql`where j.user_id = ${userId} order by j.started_at`)).map(toJob);
  }

  async ofTrainJobs(trainJobIds: string[]): Promise<InferenceJobRecord[]> {
    if (trainJobIds.length === 0) return [];
    return (await this.select(this.sql`where j.train_job_id in ${this.sql(trainJobIds)} order by j.started_at`)).map(toJob);
  }

  async runningOf(trainJobId: string): Promise<InferenceJobRecord | null> {
    const [row] = await this.select(this.sql`where j.train_job_id = ${trainJobId} and j.status in ${this.sql(ACTIVE_JOB_STATUSES)}`);
    return row ? toJob(row) : null;
  }

  /** Every job that answers queries now. */
  async running(): Promise<InferenceJobRecord[]> {
    return (await this.select(this.sql`where j.status = 'RUNNING' and j.predictor_host is not null order by j.started_at`)).map(toJob);
  }

  /** Active jobs no Admin holds become `adminId`'s: answers them, for it to deploy again. */
  async claimFree(adminId: string): Promise<InferenceJobRecord[]> {
    const claimed = await this.sql<{ id: string }[]>`update inference_jobs set admin_id = ${adminId}
      where status in ${this.sql(ACTIVE_JOB_STATUSES)} and admin_id is null returning id`;
    if (claimed.length === 0) return [];
    return (await this.select(this.sql`where j.id in ${this.sql(claimed.map((r) => r.id))} order by j.started_at`)).map(toJob);
  }

  /** `predictorHosts` lists every frontend, `predictorHost` first; either left out keeps what was there. */
  async update(id: string, change: { status: JobStatus; predictorHost?: string; predictorHosts?: string[]; error?: string }): Promise<void> {
    await this.sql`update inference_jobs set status = ${change.status},
      predictor_host = coalesce(${change.predictorHost ?? null}, predictor_host),
      predictor_hosts = coalesce(${change.predictorHosts ? this.sql.array(change.predictorHosts) : null}, predictor_hosts), error = coalesce(${change.error ?? null}, error),
      stopped_at = ${isActive(change.status) ? this.sql`null` : this.sql`now()`} where id = ${id}`;
  }
}
