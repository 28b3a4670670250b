/**
 * The services contract for processes on other hosts. A spawn gives the process
 * an id and a token, asks the placer to run the runner's one command line
 * somewhere (`bun src/worker/remote-runner.ts --admin <url> --token <token>`),
 * waits for it to connect to the process port, and sends it its spec; the
 * runner fetches its files and starts the process there through that host's
 * own local services (its sandbox and limits), and relays the IPC pipe over
 * the link. Kinds that must run beside the Admin (checks, installs, which
 * write its folders) and specs a runner cannot be given (shared memory, a work
 * folder) go to the local services.
 */
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, relative, resolve } from 'node:path';
import type { Endpoint } from 'comlink';
import type { SandboxMode } from '../../../common/config.ts';
import { ipcEndpoint, Listeners, type IpcPort } from '../../../common/ipc/channel.ts';
import { TEMPLATE_MODULES, type RemoteFolder, type RemoteSpec, type RunnerToAdmin } from '../../../common/protocols/remote.ts';
import { DEFAULT_STOP_GRACE_MS, type ExitInfo, type ManagedProcess, type ProcessKind, type ProcessSpec, type Services, type Usage } from '../../../common/services/services.ts';
import type { Placed, Placer } from '../placement.ts';
import type { ProcessLink, ProcessLinks } from './process-links.ts';
import { describeFolder } from './sent-files.ts';

const PROJECT_ROOT = resolve(import.meta.dir, '../../../..');
/** What a runner has to stop its process in, beyond the grace asked for, before its placement is removed. */
const STOP_MARGIN_MS = 5_000;

export interface RemoteServicesOptions {
  placer: Placer;
  links: ProcessLinks;
  /** For what stays on this host. */
  local: Services;
  /** The kinds placed elsewhere. */
  kinds: readonly ProcessKind[];
  issueToken: (claims: { processId: string; kind: ProcessKind; scope: NonNullable<ProcessSpec['labels']> }, ttlSeconds: number) => Promise<string>;
  /** How runners sandbox untrusted code (RAFIKI_SANDBOX); `off` where the placement is the sandbox (a pod's security context). */
  sandbox: SandboxMode;
  /** Whether the placement itself isolates each process as the sandbox would (Kubernetes: non-root, read-only, no capabilities, its own network policy). */
  placementIsolates?: boolean;
  /** How long a placed process has to connect and start. */
  startTimeoutMs: number;
}

export class RemoteServices implements Services {
  readonly sandboxed: boolean;
  private readonly gone = new Map<string, (reason: string) => void>();

  constructor(private readonly options: RemoteServicesOptions) {
    // Untrusted code runs sandboxed wherever it runs only when the runners must sandbox it.
    this.sandboxed = options.placementIsolates === true || (options.local.sandboxed && options.sandbox === 'required');
    options.placer.onGone((processId, reason) => this.gone.get(processId)?.(reason));
  }

  async spawn(spec: ProcessSpec): Promise<ManagedProcess> {
    if (!this.placeable(spec)) return this.options.local.spawn(spec);
    const { placer, links } = this.options;
    const processId = crypto.randomUUID();
    const remote = await this.remoteSpec(spec);
    const files: Record<string, string> = { ...spec.files, ...(spec.template ? { template: spec.template.file, [TEMPLATE_MODULES]: spec.template.nodeModules } : {}) };
    const connected = links.expect(processId, files);
    const token = await this.options.issueToken({ processId, kind: spec.kind, scope: spec.labels ?? {} }, Math.ceil(this.options.startTimeoutMs / 1000));
    let link: ProcessLink | undefined;
    try {
      const lost = new Promise<never>((_, reject) => {
        this.gone.set(processId, (reason) => reject(new Error(`it ${reason} before it connected`)));
      });
      const placed = await placer.place({ processId, command: ['bun', 'src/worker/remote-runner.ts', '--admin', links.url, '--token', token], spec, labels: labelsOf(spec) });
      link = await within(Promise.race([connected, lost]), this.options.startTimeoutMs, 'connected');
      link.send({ type: 'start', spec: remote });
      const started = await within(Promise.race([firstAnswer(link), lost]), this.options.startTimeoutMs, 'started');
      const process = new RemoteProcess(spec.kind, processId, link, started, placed || undefined, placer, (listener) => this.gone.set(processId, listener));
      // Once it has ended, nothing of it is kept: its token lets no one in any more.
      void process.wait().then(() => {
        this.gone.delete(processId);
        links.forget(processId);
      });
      return process;
    } catch (error) {
      this.gone.delete(processId);
      links.forget(processId);
      link?.close();
      await placer.remove(processId).catch(() => {});
      throw new Error(`a ${spec.kind} placed by ${placer.name} did not start: ${(error as Error).message}`);
    }
  }

  private placeable(spec: ProcessSpec): boolean {
    return this.options.kinds.includes(spec.kind) && 'script' in spec.run && !spec.workdir && !spec.shared && !spec.network;
  }

  private async remoteSpec(spec: ProcessSpec): Promise<RemoteSpec> {
    const run = spec.run as { script: string; args?: string[] };
    const files = spec.files ?? {};
    const folders: Record<string, RemoteFolder> = {};
    for (const [name, path] of Object.entries(files)) if ((await stat(path)).isDirectory()) folders[name] = await describeFolder(path);
    const modulesOf = modulesFolders(files, Object.keys(folders));
    return {
      kind: spec.kind,
      run: { script: relative(PROJECT_ROOT, run.script), ...(run.args ? { args: run.args } : {}) },
      untrusted: spec.untrusted,
      files: Object.keys(files),
      ...(Object.keys(folders).length > 0 ? { folders } : {}),
      ...(Object.keys(modulesOf).length > 0 ? { modulesOf } : {}),
      ...(spec.template ? { template: { modules: await describeFolder(spec.template.nodeModules) } } : {}),
      ...(spec.env ? { env: spec.env } : {}),
      limits: spec.limits,
      sandbox: this.options.sandbox,
    };
  }
}

/**
 * Of the files, those whose imports resolve from one of the folders sent: a
 * folder named `node_modules` in a folder that holds the file (the nearest, as
 * Bun looks), by name.
 */
function modulesFolders(files: Record<string, string>, folders: string[]): Record<string, string> {
  const homes = folders.filter((name) => basename(files[name]!) === 'node_modules').map((name) => ({ name, home: `${dirname(resolve(files[name]!))}/` }));
  const found: Record<string, string> = {};
  for (const [name, path] of Object.entries(files)) {
    if (folders.includes(name)) continue;
    const nearest = homes.filter(({ home }) => resolve(path).startsWith(home)).sort((a, b) => b.home.length - a.home.length)[0];
    if (nearest) found[name] = nearest.name;
  }
  return found;
}

function labelsOf(spec: ProcessSpec) {
  return {
    ...(spec.labels?.trainJobId ? { jobId: spec.labels.trainJobId } : {}),
    ...(spec.labels?.subTrainJobId ? { subJobId: spec.labels.subTrainJobId } : {}),
    ...(spec.labels?.inferenceJobId ? { inferenceJobId: spec.labels.inferenceJobId } : {}),
    ...(spec.labels?.trialId ? { trialId: spec.labels.trialId } : {}),
  };
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`it had not ${what} after ${ms / 1000} s`)), ms);
    })]);
  } finally {
    clearTimeout(timer);
  }
}

/** The runner's first word: it started its process (or could not), or the link closed. */
function firstAnswer(link: ProcessLink): Promise<Extract<RunnerToAdmin, { type: 'started' }>> {
  return new Promise((resolve, reject) => {
    link.onMessage((message) => {
      if (message.type === 'started') resolve(message);
      else if (message.type === 'failed') reject(new Error(message.message));
    });
    link.onClose(() => reject(new Error('its link closed before it started')));
  });
}

class RemoteProcess implements ManagedProcess {
  readonly paths: Readonly<Record<string, string>>;
  readonly sandboxed: boolean;
  readonly pid: number | undefined;
  readonly address: string | undefined;
  readonly servicePort: number | undefined;
  private readonly listeners = new Listeners();
  private readonly port: IpcPort;
  private last: Usage | null = { memoryBytes: 0, processes: 1, cpuSeconds: 0 };
  private requested = false;
  private readonly exited: Promise<ExitInfo>;

  constructor(
    readonly kind: ProcessKind, private readonly processId: string, private readonly link: ProcessLink,
    started: Extract<RunnerToAdmin, { type: 'started' }>, placed: Placed | undefined, private readonly placer: Placer,
    onGone: (listener: (reason: string) => void) => void,
  ) {
    this.paths = started.paths;
    this.sandboxed = started.sandboxed;
    // Its pid means something here only on this host.
    this.pid = started.hostname === hostname() ? started.pid : undefined;
    // Where its placement says (a Service's name), else where it connected from; from loopback it is a process of this host.
    this.address = placed?.address ?? (/^(127\.|::1$|$)/.test(link.address) ? undefined : link.address);
    this.servicePort = placed?.servicePort;
    this.port = { send: (message) => link.send({ type: 'ipc', message: message as never }), onMessage: (listener) => this.listeners.add(listener) };
    this.exited = new Promise<ExitInfo>((resolve) => {
      let told: ExitInfo | null = null;
      const end = (info: ExitInfo) => {
        if (this.last === null) return;
        this.last = null;
        resolve(info);
        void placer.remove(processId).catch(() => {});
      };
      const lost = (reason: string) => end({ code: null, signal: null, reason, requested: this.requested, limit: null, output: '' });
      link.onMessage((message) => {
        if (message.type === 'ipc') this.listeners.emit(message.message);
        else if (message.type === 'usage') this.last &&= message.usage;
        else if (message.type === 'exit') told = message.info;
      });
      link.onClose(() => (told ? end(told) : lost(this.requested ? 'stopped' : 'lost contact with its host')));
      onGone((reason) => lost(this.requested ? 'stopped' : reason));
    });
  }

  endpoint(channel: string): Endpoint {
    return ipcEndpoint(this.port, channel);
  }

  status(): 'RUNNING' | 'EXITED' {
    return this.last === null ? 'EXITED' : 'RUNNING';
  }

  wait(): Promise<ExitInfo> {
    return this.exited;
  }

  async stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<ExitInfo> {
    if (this.last === null) return this.exited;
    this.requested = true;
    this.link.send({ type: 'stop', graceMs });
    // A runner that does not answer in time is removed where it was placed.
    const timer = setTimeout(() => {
      void this.placer.remove(this.processId).catch(() => {});
      this.link.close();
    }, graceMs + STOP_MARGIN_MS);
    const info = await this.exited;
    clearTimeout(timer);
    return info;
  }

  usage(): Usage | null {
    return this.last;
  }

  restartCpuClock(): void {
    this.link.send({ type: 'restart-cpu-clock' });
  }
}
