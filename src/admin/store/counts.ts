/** Counts for the Admin's metrics, read at each scrape: jobs and trials by status, and trials waiting to start. */
import type { JobStatus, TrialStatus } from '../../common/domain.ts';
import { ACTIVE_JOB_STATUSES } from '../jobs/statuses.ts';
import type { Sql } from './database.ts';

export class CountStore {
  constructor(private readonly sql: Sql) {}

  private async byStatus<S extends string>(table: 'train_jobs' | 'sub_train_jobs' | 'inference_jobs' | 'trials'): Promise<Partial<Record<S, number>>> {
    const rows = await this.sql<{ status: S; n: number }[]>`select status, count(*)::int as n from ${this.sql(table)} group by status`;
    return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Partial<Record<S, number>>;
  }

  trainJobs(): Promise<Partial<Record<JobStatus, number>>> {
    return this.byStatus('train_jobs');
  }

  inferenceJobs(): Promise<Partial<Record<JobStatus, number>>> {
    return this.byStatus('inference_jobs');
  }

  trials(): Promise<Partial<Record<TrialStatus, number>>> {
    return this.byStatus('trials');
  }

  /**
   * Trials waiting to run: PENDING ones, and those that active sub-jobs with a
   * trial limit (MODEL_TRIAL_COUNT ≥ 0) may still start. A sub-job with no limit
   * runs until its time budget, so it adds none.
   */
  async pendingTrials(): Promise<number> {
    const [row] = await this.sql<{ n: number }[]>`
      select (select count(*) from trials where status = 'PENDING')::int + coalesce((
        select sum(greatest((j.budget->>'MODEL_TRIAL_COUNT')::int - (select count(*) from trials t where t.sub_train_job_id = s.id), 0))
        from sub_train_jobs s join train_jobs j on j.id = s.train_job_id
        where s.status in ${this.sql(ACTIVE_JOB_STATUSES)} and (j.budget->>'MODEL_TRIAL_COUNT')::int >= 0), 0)::int as n`;
    return row!.n;
  }
}
