/** Train jobs and their sub-jobs (one per template). */
import type { JobStatus, Task, TrainBudget } from '../../common/domain.ts';
import { ACTIVE_JOB_STATUSES, isActive } from '../jobs/statuses.ts';
import type { Sql } from './database.ts';

export interface TrainJobRecord {
  id: string;
  userId: string;
  app: string;
  appVersion: number;
  task: Task;
  trainDatasetId: string;
  valDatasetId: string;
  budget: Required<Pick<TrainBudget, 'MODEL_TRIAL_COUNT' | 'TIME_HOURS' | 'WORKER_COUNT' | 'GPU_COUNT'>>;
  trainArgs: { target?: string; features?: string[] };
  status: JobStatus;
  error: string | null;
  startedAt: Date;
  stoppedAt: Date | null;
}

export interface SubTrainJobRecord {
  id: string;
  trainJobId: string;
  modelId: string;
  status: JobStatus;
  error: string | null;
  startedAt: Date;
  stoppedAt: Date | null;
}

interface TrainJobRow {
  id: string; user_id: string; app: string; app_version: number; task: Task;
  train_dataset_id: string; val_dataset_id: string; budget: TrainJobRecord['budget'];
  train_args: TrainJobRecord['trainArgs']; status: JobStatus; error: string | null;
  started_at: Date; stopped_at: Date | null;
}

interface SubRow {
  id: string; train_job_id: string; model_id: string; status: JobStatus; error: string | null;
  started_at: Date; stopped_at: Date | null;
}

const toJob = (r: TrainJobRow): TrainJobRecord => ({
  id: r.id, userId: r.user_id, app: r.app, appVersion: r.app_version, task: r.task,
  trainDatasetId: r.train_dataset_id, valDatasetId: r.val_dataset_id, budget: r.budget,
  trainArgs: r.train_args, status: r.status, error: r.error, startedAt: r.started_at, stoppedAt: r.stopped_at,
});

const toSub = (r: SubRow): SubTrainJobRecord => ({
  id: r.id, trainJobId: r.train_job_id, modelId: r.model_id, status: r.status, error: r.error,
  startedAt: r.started_at, stoppedAt: r.stopped_at,
});

export class TrainJobStore {
  constructor(private readonly sql: Sql) {}

  /**
   * Creates a job with the next version of its app and one sub-job per template;
   * null when the app already has an active job.
   */
  async create(input: Omit<TrainJobRecord, 'id' | 'appVersion' | 'status' | 'error' | 'startedAt' | 'stoppedAt'> & { modelIds: string[]; adminId: string }): Promise<TrainJobRecord | null> {
    return this.sql.begin(async (tx) => {
      // Serialises creations per user and app, so versions never collide.
      await tx`select pg_advisory_xact_lock(hashtext(${`${input.userId}/${input.app}`}))`;
      const [active] = await tx`select 1 from train_jobs where user_id = ${input.userId} and app = ${input.app} and status in ${tx(ACTIVE_JOB_STATUSES)}`;
      if (active) return null;
      const [row] = await tx<TrainJobRow[]>`
        insert into train_jobs (user_id, app, app_version, task, train_dataset_id, val_dataset_id, budget, train_args, admin_id)
        values (${input.userId}, ${input.app},
          (select coalesce(max(app_version), 0) + 1 from train_jobs where user_id = ${input.userId} and app = ${input.app}),
          ${input.task}, ${input.trainDatasetId}, ${input.valDatasetId}, ${tx.json(input.budget as never)}, ${tx.json(input.trainArgs as never)}, ${input.adminId})
        returning *`;
      for (const modelId of input.modelIds) {
        await tx`insert into sub_train_jobs (train_job_id, model_id) values (${row!.id}, ${modelId})`;
      }
      return toJob(row!);
    });
  }

  async byId(id: string): Promise<TrainJobRecord | null> {
    const [row] = await this.sql<TrainJobRow[]>`select * from train_jobs where id = ${id}`;
    return row ? toJob(row) : null;
  }

  /** A user's job of an app; version -1 is the latest. */
  async byApp(userId: string, app: string, appVersion: number): Promise<TrainJobRecord | null> {
    const [row] = appVersion === -1
      ? await this.sql<TrainJobRow[]>`select * from train_jobs where user_id = ${userId} and app = ${app} order by app_version desc limit 1`
      : await this.sql<TrainJobRow[]>`select * from train_jobs where user_id = ${userId} and app = ${app} and app_version = ${appVersion}`;
    return row ? toJob(row) : null;
  }

  async ofUser(userId: string, app?: string): Promise<TrainJobRecord[]> {
    const rows = await this.sql<TrainJobRow[]>`
      select * from train_jobs where user_id = ${userId} ${app === undefined ? this.sql`` : this.sql`and app = ${app}`}
      order by started_at, app, app_version`;
    return rows.map(toJob);
  }

  /** Active jobs no Admin holds become `adminId`'s: answers them, for it to run. */
  async claimFree(adminId: string): Promise<TrainJobRecord[]> {
    return (await this.sql<TrainJobRow[]>`update train_jobs set admin_id = ${adminId}
      where status in ${this.sql(ACTIVE_JOB_STATUSES)} and admin_id is null returning *`).map(toJob);
  }

  async subJobs(trainJobId: string): Promise<SubTrainJobRecord[]> {
    return (await this.sql<SubRow[]>`select * from sub_train_jobs where train_job_id = ${trainJobId} order by started_at, id`).map(toSub);
  }

  async setSubStatus(id: string, status: SubTrainJobRecord['status'], error: string | null = null): Promise<SubTrainJobRecord | null> {
    const [row] = await this.sql<SubRow[]>`update sub_train_jobs set status = ${status}, error = coalesce(${error}, error),
      stopped_at = ${isActive(status) ? this.sql`null` : this.sql`now()`} where id = ${id} returning *`;
    return row ? toSub(row) : null;
  }

  /** Sets a job's status (src/admin/jobs/statuses.ts decides it); an ended job keeps its first stop time. */
  async setStatus(id: string, change: { status: JobStatus; error: string | null }): Promise<TrainJobRecord | null> {
    const [row] = await this.sql<TrainJobRow[]>`
      update train_jobs set status = ${change.status}, error = ${change.error},
        stopped_at = ${isActive(change.status) ? this.sql`null` : this.sql`coalesce(stopped_at, now())`}
      where id = ${id} returning *`;
    return row ? toJob(row) : null;
  }
}
