/**
 * The services-manager contract: every process Rafiki starts — checks of
 * uploads, dependency installs, train workers, query frontends, inference
 * workers — is started with `spawn` and handled through a ManagedProcess.
 * Where it runs (a local child, a local sandbox, a pod) and how its limits are
 * kept is the implementation's business; nothing here assumes a local pipe.
 *
 * What every implementation keeps (services-suite.ts checks it):
 * - a process that runs code Rafiki did not write (`untrusted`) sees only the
 *   files its spec names, under `paths`, read-only, and a private scratch
 *   folder, and cannot reach the network unless the spec says so, when the
 *   implementation sandboxes at all (`sandboxed`);
 * - `limits` hold for the whole process tree: past one, every process of it
 *   is ended and `wait()` says which limit in `reason`;
 * - no process of the tree outlives `stop()`; where sandboxed, none outlives
 *   the process that spawned it either (outside one, the process itself ends
 *   with its parent, but its children may not);
 * - `wait()` settles exactly once, after the last process of the tree ended.
 *
 * @example
 * const worker = await services.spawn({ kind: 'TRAIN_WORKER', run: { script: TRAIN_WORKER },
 *   untrusted: true, files: { train: trainPath }, limits: { memoryBytes: 2 << 30, processes: 32 } });
 * const api = Comlink.wrap<TrainWorkerApi>(worker.endpoint('worker'));
 * await api.setup({ trainPath: worker.paths.train, ... });
 * await worker.stop();
 */
import type { Endpoint } from 'comlink';

export const PROCESS_KINDS = ['CHECK', 'INSTALL', 'TRAIN_WORKER', 'INFERENCE_WORKER', 'PREDICTOR'] as const;
export type ProcessKind = (typeof PROCESS_KINDS)[number];

/** Bounds on a whole process tree. */
export interface Limits {
  /** Resident memory summed over every process of the tree. */
  memoryBytes: number;
  /** Processes (and threads' leaders) alive at once in the tree. */
  processes: number;
  /** CPU time of the tree since the spawn or the last `restartCpuClock()`. */
  cpuSeconds?: number;
  /** Wall time since the spawn. */
  wallSeconds?: number;
}

/** What a process works for: where it is placed, these name it (a pod's labels), and a remote process's token is scoped to them. */
export interface ProcessLabels { trainJobId?: string; subTrainJobId?: string; inferenceJobId?: string; trialId?: string }

export interface ProcessSpec {
  kind: ProcessKind;
  labels?: ProcessLabels;
  /** A script of this project run by Bun (with an IPC channel), or Bun itself with arguments (`bun install`), without one. */
  run: { script: string; args?: string[] } | { bun: string[] };
  /** It runs code that Rafiki did not write (templates, their dependencies, their installs): sandboxed where the implementation can. */
  untrusted: boolean;
  /** Files (or folders) it may read, by name; `ManagedProcess.paths[name]` is where it sees each. */
  files?: Record<string, string>;
  /** A template: its file (`paths.template`) and the `node_modules` folder its imports resolve from. */
  template?: { file: string; nodeModules: string };
  /** A folder it may write, and where it starts (`paths.workdir`); otherwise it starts in its scratch folder. */
  workdir?: string;
  /** Files it may read and write in place (shared memory), by name, like `files`. */
  shared?: Record<string, string>;
  /** Network access, for dependency installs only. */
  network?: boolean;
  /** Extra environment: the process gets this and what it needs to run, nothing of the parent's. */
  env?: Record<string, string>;
  limits: Limits;
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** Why it ended, in words: "stopped", "exited with code 1", "killed: 2100 MB used, over the limit of 2048 MB". */
  reason: string;
  /** Whether it was ended by `stop()`, rather than ending by itself or for a limit. */
  requested: boolean;
  /** The limit it was ended for, if it was. */
  limit: keyof Limits | null;
  /** The last lines it printed (stdout and stderr), for messages about a failed check or install. */
  output: string;
}

export interface Usage {
  memoryBytes: number;
  processes: number;
  cpuSeconds: number;
}

export interface ManagedProcess {
  readonly kind: ProcessKind;
  /** Where the process sees each of its spec's `files` and `shared`, and `template` and `workdir` when given. */
  readonly paths: Readonly<Record<string, string>>;
  /** Whether it runs in a sandbox. */
  readonly sandboxed: boolean;
  /** The operating-system id of its first process, where it has one here. */
  readonly pid: number | undefined;
  /** The address other machines reach it at, when it runs on another host; undefined for a process of this host. */
  readonly address?: string;
  /** The port it must listen on for `address` to reach it (a Kubernetes Service's target port); unset: any port. */
  readonly servicePort?: number;
  /** A comlink endpoint for one named channel to the process (scripts only). */
  endpoint(channel: string): Endpoint;
  status(): 'RUNNING' | 'EXITED';
  /** Settles once every process of it has ended. */
  wait(): Promise<ExitInfo>;
  /** Asks it to end, ends it after `graceMs`, and settles when it has. */
  stop(graceMs?: number): Promise<ExitInfo>;
  /** What its tree uses now; null once it has ended. */
  usage(): Usage | null;
  /** Counts `limits.cpuSeconds` from now: a worker's budget is per trial, not per life. */
  restartCpuClock(): void;
}

export interface Services {
  /** Whether `untrusted` processes run in a sandbox. */
  readonly sandboxed: boolean;
  /** Starts a process; resolves once it runs (not once it is ready to work: that is its own protocol's business). */
  spawn(spec: ProcessSpec): Promise<ManagedProcess>;
}

export const DEFAULT_STOP_GRACE_MS = 5_000;
