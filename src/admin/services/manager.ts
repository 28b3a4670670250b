/**
 * The Admin's services manager: starts every process through the services
 * contract (src/common/services/services.ts), records a job's long-lived
 * processes (train workers, frontends and, on their frontends' word,
 * inference workers) in the `services` table until they end, and stops them
 * all at shutdown.
 */
import type { ServiceKind } from '../../common/domain.ts';
import type { ExitInfo, ManagedProcess, ProcessLabels, ProcessSpec, Services } from '../../common/services/services.ts';
import type { ServiceStore } from '../store/services.ts';

export type ServiceLabels = ProcessLabels;

export interface RecordedProcess extends ManagedProcess {
  readonly serviceId: string;
  /** Marks it RUNNING once it is ready to work. */
  ready(port?: number): Promise<void>;
}

export class ServicesManager {
  private readonly running = new Set<ManagedProcess>();

  constructor(readonly services: Services, private readonly store: ServiceStore, private readonly options: { host: string; adminId: string }) {}

  get sandboxed(): boolean {
    return this.services.sandboxed;
  }

  /** Starts a process that serves no job for long (a check, an install): not recorded, still stopped at shutdown. */
  async run(spec: ProcessSpec): Promise<ManagedProcess> {
    const process = await this.services.spawn(spec);
    this.track(process);
    return process;
  }

  /** Starts a job's process, recorded as a service of its kind until it ends. */
  async start(spec: ProcessSpec & { kind: ServiceKind; labels: ServiceLabels }): Promise<RecordedProcess> {
    const serviceId = await this.record(spec.kind, spec.labels, null);
    let process: ManagedProcess;
    try {
      process = await this.services.spawn(spec);
    } catch (error) {
      await this.ended(serviceId, { requested: false, reason: `could not start: ${(error as Error).message}` });
      throw error;
    }
    this.track(process);
    // A process on another host is recorded at the address it is reached at.
    if (process.pid !== undefined || process.address) await this.store.update(serviceId, { ...(process.pid !== undefined ? { pid: process.pid } : {}), ...(process.address ? { host: process.address } : {}) });
    void process.wait().then((info) => this.ended(serviceId, info));
    // Delegation, not a spread: an implementation's process may keep its methods on a prototype.
    return {
      kind: process.kind,
      paths: process.paths,
      sandboxed: process.sandboxed,
      pid: process.pid,
      ...(process.address ? { address: process.address } : {}),
      endpoint: (channel) => process.endpoint(channel),
      status: () => process.status(),
      wait: () => process.wait(),
      stop: (graceMs) => process.stop(graceMs),
      usage: () => process.usage(),
      restartCpuClock: () => process.restartCpuClock(),
      serviceId,
      ready: (port?: number) => this.store.update(serviceId, { status: 'RUNNING', ...(port ? { port } : {}) }),
    };
  }

  /** Records a service started elsewhere (a frontend's inference worker); answers its id. */
  async record(kind: ServiceKind, labels: ServiceLabels, pid: number | null): Promise<string> {
    const record = await this.store.create({ kind, host: this.options.host, adminId: this.options.adminId, ...labels });
    if (pid !== null) await this.store.update(record.id, { pid });
    return record.id;
  }

  async markReady(serviceId: string): Promise<void> {
    await this.store.update(serviceId, { status: 'RUNNING' });
  }

  async ended(serviceId: string, info: Pick<ExitInfo, 'requested' | 'reason'>): Promise<void> {
    await this.store.update(serviceId, info.requested ? { status: 'STOPPED' } : { status: 'ERRORED', error: info.reason }).catch(() => {});
  }

  /** Stops every process this manager started. */
  async stopAll(graceMs?: number): Promise<void> {
    await Promise.all([...this.running].map((p) => p.stop(graceMs)));
  }

  private track(process: ManagedProcess): void {
    this.running.add(process);
    void process.wait().then(() => this.running.delete(process));
  }
}
