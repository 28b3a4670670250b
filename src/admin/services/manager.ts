/**
 * The services manager: starts the processes that run user code (train workers,
 * inference frontends), records each in the `services` table, watches their
 * memory, and stops them: asked first (SIGTERM), killed after a grace period.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { ServiceKind } from '../../common/domain.ts';
import { spawnIpc, type IpcChild } from '../../worker/ipc.ts';
import type { ServiceStore } from '../store/services.ts';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** Why it ended, in words: "stopped", "exited with code 1", "killed: 2100 MB used, over the limit of 2048 MB". */
  reason: string;
  /** Whether the manager ended it on request (a stop), rather than it dying. */
  requested: boolean;
}

export interface ManagedProcess {
  serviceId: string;
  child: IpcChild;
  exited: Promise<ExitInfo>;
  /** Marks it RUNNING once it is ready to work. */
  ready(port?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

export interface StartOptions {
  kind: ServiceKind;
  cmd: string[];
  cwd?: string;
  subTrainJobId?: string;
  inferenceJobId?: string;
}

export interface ServicesManagerOptions {
  host: string;
  /** Resident memory above which a worker is killed. */
  memoryLimitBytes: number;
  /** How often memory is checked. */
  watchEveryMs?: number;
}

const STOP_GRACE_MS = 5_000;
const MB = 1024 * 1024;

function residentBytes(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

export class ServicesManager {
  private readonly running = new Set<ManagedProcess>();

  constructor(private readonly services: ServiceStore, private readonly options: ServicesManagerOptions) {}

  async start(options: StartOptions): Promise<ManagedProcess> {
    const record = await this.services.create({
      kind: options.kind,
      host: this.options.host,
      ...(options.subTrainJobId ? { subTrainJobId: options.subTrainJobId } : {}),
      ...(options.inferenceJobId ? { inferenceJobId: options.inferenceJobId } : {}),
    });
    let requested = false;
    let killedFor: string | undefined;
    let resolveExit!: (info: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((resolve) => {
      resolveExit = resolve;
    });
    // No secret reaches a worker: only what a process needs to run.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), NODE_ENV: 'production' };
    const child = spawnIpc(options.cmd, {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      env,
      onExit: (code, signal) => {
        clearInterval(watch);
        const reason = killedFor ?? (requested ? 'stopped' : signal ? `killed by ${signal}` : `exited with code ${code}`);
        resolveExit({ code, signal, reason, requested });
      },
    });
    const watch = setInterval(() => {
      const rss = residentBytes(child.process.pid);
      if (rss !== null && rss > this.options.memoryLimitBytes) {
        killedFor = `killed: ${Math.round(rss / MB)} MB used, over the limit of ${Math.round(this.options.memoryLimitBytes / MB)} MB`;
        child.process.kill('SIGKILL');
      }
    }, this.options.watchEveryMs ?? 500);
    await this.services.update(record.id, { pid: child.process.pid });

    const managed: ManagedProcess = {
      serviceId: record.id,
      child,
      exited,
      ready: (port) => this.services.update(record.id, { status: 'RUNNING', ...(port ? { port } : {}) }),
      stop: async (graceMs = STOP_GRACE_MS) => {
        requested = true;
        child.process.kill('SIGTERM');
        const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
        const info = await exited;
        clearTimeout(timer);
        return info;
      },
    };
    this.running.add(managed);
    void exited.then(async (info) => {
      this.running.delete(managed);
      await this.services.update(record.id, info.requested ? { status: 'STOPPED' } : { status: 'ERRORED', error: info.reason }).catch(() => {});
    });
    return managed;
  }

  /** Stops every process this manager started. */
  async stopAll(graceMs = STOP_GRACE_MS): Promise<void> {
    await Promise.all([...this.running].map((p) => p.stop(graceMs)));
  }
}
