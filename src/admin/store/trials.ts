/** Trials: one trained set of knobs, with its score, logs and saved parameters. */
import type { TrialStatus } from '../../common/domain.ts';
import type { Knobs } from '../../model/knobs.ts';
import type { LogEntry } from '../../common/protocols/train.ts';
import { ACTIVE_TRIAL_STATUSES } from '../jobs/statuses.ts';
import type { Sql } from './database.ts';

export interface TrialRecord {
  id: string;
  subTrainJobId: string;
  trainJobId: string;
  no: number;
  modelId: string;
  modelName: string;
  /** The version of its template it was trained with. */
  modelVersion: number;
  knobs: Knobs;
  status: TrialStatus;
  score: number | null;
  error: string | null;
  /** Where the template failed (an ERRORED trial's stack, when it had one). */
  errorStack: string | null;
  workerId: string | null;
  startedAt: Date;
  stoppedAt: Date | null;
  /** When it last changed: its start, its end, or its interruption. */
  updatedAt: Date;
}

/** An intermediate score a trial reported while training, and the Advisor's early-stopping decision on it. */
export interface TrialReport {
  id: string;
  trialId: string;
  step: number;
  score: number | null;
  decision: 'continue' | 'stop';
  reportedAt: Date;
}

interface TrialRow {
  id: string; sub_train_job_id: string; train_job_id: string; no: number; model_id: string; model_name: string; model_version: number;
  knobs: Knobs; status: TrialStatus; score: number | null; error: string | null; error_stack: string | null; worker_id: string | null;
  started_at: Date; stopped_at: Date | null; updated_at: Date;
}

interface ReportRow { id: string; trial_id: string; step: number; score: number | null; decision: TrialReport['decision']; reported_at: Date }

const toTrial = (r: TrialRow): TrialRecord => ({
  id: r.id, subTrainJobId: r.sub_train_job_id, trainJobId: r.train_job_id, no: r.no, modelId: r.model_id,
  modelName: r.model_name, modelVersion: r.model_version, knobs: r.knobs, status: r.status, score: r.score, error: r.error, errorStack: r.error_stack, workerId: r.worker_id,
  startedAt: r.started_at, stoppedAt: r.stopped_at, updatedAt: r.updated_at,
});

/** A trial as an update answers it (the trials table alone): what its end was. */
export type TrialEnd = Pick<TrialRecord, 'id' | 'subTrainJobId' | 'no' | 'status' | 'score' | 'error' | 'startedAt' | 'stoppedAt'>;

const toEnd = (r: Omit<TrialRow, 'train_job_id' | 'model_name'>): TrialEnd => ({
  id: r.id, subTrainJobId: r.sub_train_job_id, no: r.no, status: r.status, score: r.score, error: r.error, startedAt: r.started_at, stoppedAt: r.stopped_at,
});

const toReport = (r: ReportRow): TrialReport => ({
  id: String(r.id), trialId: r.trial_id, step: r.step, score: r.score, decision: r.decision, reportedAt: r.reported_at,
});

export class TrialStore {
  constructor(private readonly sql: Sql) {}

  private select(where: ReturnType<Sql>) {
    return this.sql<TrialRow[]>`
      select t.*, s.train_job_id, m.name as model_name, m.version as model_version
      from trials t join sub_train_jobs s on s.id = t.sub_train_job_id join models m on m.id = t.model_id
      ${where}`;
  }

  async start(input: { subTrainJobId: string; no: number; modelId: string; knobs: Knobs; workerId: string | null }): Promise<TrialRecord> {
    const [row] = await this.sql<{ id: string }[]>`
      insert into trials (sub_train_job_id, no, model_id, knobs, status, worker_id)
      values (${input.subTrainJobId}, ${input.no}, ${input.modelId}, ${this.sql.json(input.knobs)}, 'RUNNING', ${input.workerId})
      returning id`;
    return (await this.byId(row!.id))!;
  }

  async byId(id: string): Promise<TrialRecord | null> {
    const [row] = await this.select(this.sql`where t.id = ${id}`);
    return row ? toTrial(row) : null;
  }

  async ofTrainJob(trainJobId: string): Promise<TrialRecord[]> {
    return (await this.select(this.sql`where s.train_job_id = ${trainJobId} order by t.started_at, t.no`)).map(toTrial);
  }

  /** Completed trials by descending score. */
  async best(trainJobId: string, maxCount: number): Promise<TrialRecord[]> {
    return (await this.select(this.sql`where s.train_job_id = ${trainJobId} and t.status = 'COMPLETED' and t.score is not null
      order by t.score desc, t.started_at limit ${maxCount}`)).map(toTrial);
  }

  /** A job's trials that changed after `since` (by the database's clock). */
  async changedSince(trainJobId: string, since: Date): Promise<TrialRecord[]> {
    return (await this.select(this.sql`where s.train_job_id = ${trainJobId} and t.updated_at > ${since} order by t.updated_at`)).map(toTrial);
  }

  async addReport(trialId: string, report: Pick<TrialReport, 'step' | 'score' | 'decision'>): Promise<void> {
    await this.sql`insert into trial_reports (trial_id, step, score, decision) values (${trialId}, ${report.step}, ${report.score}, ${report.decision})`;
  }

  /** The reports of a job's trials, in the order they came; only those after `since` when it is given. */
  async reports(trainJobId: string, since?: Date): Promise<TrialReport[]> {
    const rows = await this.sql<ReportRow[]>`
      select r.* from trial_reports r join trials t on t.id = r.trial_id join sub_train_jobs s on s.id = t.sub_train_job_id
      where s.train_job_id = ${trainJobId} ${since ? this.sql`and r.reported_at > ${since}` : this.sql``} order by r.id`;
    return rows.map(toReport);
  }

  async ofSubJob(subTrainJobId: string): Promise<TrialRecord[]> {
    return (await this.select(this.sql`where t.sub_train_job_id = ${subTrainJobId} order by t.no`)).map(toTrial);
  }

  /** Stores a trial's end: its score and parameters when it has them, in one transaction. Answers the trial as it ended, or null when there is none. */
  async finish(id: string, end: { status: TrialStatus; score?: number | null; error?: string | null; errorStack?: string | null; params?: Uint8Array; onnx?: Uint8Array | null }): Promise<TrialEnd | null> {
    return this.sql.begin(async (tx) => {
      const [row] = await tx<TrialRow[]>`update trials set status = ${end.status}, score = ${end.score ?? null}, error = ${end.error ?? null},
        error_stack = ${end.errorStack ?? null}, stopped_at = now(), updated_at = clock_timestamp()
        where id = ${id} returning *`;
      if (end.params) {
        await tx`insert into trial_parameters (trial_id, params, onnx) values (${id}, ${end.params}, ${end.onnx ?? null})
          on conflict (trial_id) do update set params = excluded.params, onnx = excluded.onnx`;
      }
      return row ? toEnd(row) : null;
    });
  }

  /** Trials left RUNNING (or PENDING) by a process that is gone become ERRORED with `reason`; answers them. */
  async interruptRunning(reason: string, subTrainJobId?: string): Promise<TrialEnd[]> {
    const rows = await this.sql<TrialRow[]>`update trials set status = 'ERRORED', error = ${reason}, stopped_at = now(), updated_at = clock_timestamp()
      where status in ${this.sql(ACTIVE_TRIAL_STATUSES)} ${subTrainJobId ? this.sql`and sub_train_job_id = ${subTrainJobId}` : this.sql``}
      returning *`;
    return rows.map(toEnd);
  }

  /** Appends log entries in one statement (a template logs every epoch; one insert each would cost more than the IPC). */
  async addLogs(trialId: string, entries: LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map(({ kind, time, ...data }) => ({ trial_id: trialId, logged_at: time, kind, data: this.sql.json(data as never) }));
    await this.sql`insert into trial_logs ${this.sql(rows, 'trial_id', 'logged_at', 'kind', 'data')}`;
  }

  async logs(trialId: string): Promise<LogEntry[]> {
    const rows = await this.sql<{ kind: LogEntry['kind']; logged_at: Date; data: Record<string, unknown> }[]>`
      select kind, logged_at, data from trial_logs where trial_id = ${trialId} order by id`;
    return rows.map((r) => ({ kind: r.kind, time: r.logged_at.toISOString(), ...r.data }) as LogEntry);
  }

  async parameters(trialId: string): Promise<{ params: Uint8Array; onnx: Uint8Array | null } | null> {
    const [row] = await this.sql<{ params: Uint8Array; onnx: Uint8Array | null }[]>`select params, onnx from trial_parameters where trial_id = ${trialId}`;
    return row ? { params: new Uint8Array(row.params), onnx: row.onnx ? new Uint8Array(row.onnx) : null } : null;
  }
}
