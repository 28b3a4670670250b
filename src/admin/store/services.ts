/** Services: every process the Admin starts, so that none is forgotten or orphaned. */
import type { ServiceKind, ServiceStatus } from '../../common/domain.ts';
import type { Sql } from './database.ts';

export interface ServiceRecord {
  id: string;
  kind: ServiceKind;
  status: ServiceStatus;
  host: string;
  port: number | null;
  pid: number | null;
  subTrainJobId: string | null;
  inferenceJobId: string | null;
  error: string | null;
  startedAt: Date;
  stoppedAt: Date | null;
}

interface ServiceRow {
  id: string; kind: ServiceKind; status: ServiceStatus; host: string; port: number | null; pid: number | null;
  sub_train_job_id: string | null; inference_job_id: string | null; error: string | null; started_at: Date; stopped_at: Date | null;
}

const toService = (r: ServiceRow): ServiceRecord => ({
  id: r.id, kind: r.kind, status: r.status, host: r.host, port: r.port, pid: r.pid, subTrainJobId: r.sub_train_job_id,
  inferenceJobId: r.inference_job_id, error: r.error, startedAt: r.started_at, stoppedAt: r.stopped_at,
});

export class ServiceStore {
  constructor(private readonly sql: Sql) {}

  async create(input: { kind: ServiceKind; host: string; adminId: string; subTrainJobId?: string; inferenceJobId?: string }): Promise<ServiceRecord> {
    const [row] = await this.sql<ServiceRow[]>`
      insert into services (kind, host, admin_id, sub_train_job_id, inference_job_id)
      values (${input.kind}, ${input.host}, ${input.adminId}, ${input.subTrainJobId ?? null}, ${input.inferenceJobId ?? null}) returning *`;
    return toService(row!);
  }

  async update(id: string, change: { status?: ServiceStatus; pid?: number; host?: string; port?: number; error?: string }): Promise<void> {
    const ended = change.status === 'STOPPED' || change.status === 'ERRORED';
    await this.sql`update services set
      status = coalesce(${change.status ?? null}, status), pid = coalesce(${change.pid ?? null}, pid), host = coalesce(${change.host ?? null}, host),
      port = coalesce(${change.port ?? null}, port), error = coalesce(${change.error ?? null}, error),
      stopped_at = ${ended ? this.sql`now()` : this.sql`stopped_at`}
      where id = ${id}`;
  }

  async ofSubJob(subTrainJobId: string): Promise<ServiceRecord[]> {
    return (await this.sql<ServiceRow[]>`select * from services where sub_train_job_id = ${subTrainJobId} order by started_at`).map(toService);
  }

  async ofInferenceJob(inferenceJobId: string): Promise<ServiceRecord[]> {
    return (await this.sql<ServiceRow[]>`select * from services where inference_job_id = ${inferenceJobId} order by started_at`).map(toService);
  }

  /** Services still marked alive whose Admin's lease ended; their processes exited with it. */
  async endOrphans(reason: string): Promise<ServiceRecord[]> {
    return (await this.sql<ServiceRow[]>`update services set status = 'STOPPED', error = ${reason}, stopped_at = now()
      where status in ('STARTED', 'RUNNING') and admin_id is null returning *`).map(toService);
  }
}
