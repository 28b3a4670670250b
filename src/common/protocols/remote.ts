/**
 * What the Admin and a process on another host say to each other over the
 * process link (a WebSocket to the Admin's process port, docs/processes.md),
 * and what the Admin says to an agent that starts such processes on its host.
 * Messages are binary frames of the structured-clone format (`node:v8`), so
 * typed arrays cross as they do over the local IPC pipe.
 */
import type { Envelope } from '../ipc/channel.ts';
import type { SandboxMode } from '../config.ts';
import type { ExitInfo, Limits, ProcessKind, Usage } from '../services/services.ts';

/** A process spec as a remote runner gets it: scripts relative to the project root, files by name (fetched from the Admin). */
export interface RemoteSpec {
  kind: ProcessKind;
  run: { script: string; args?: string[] };
  untrusted: boolean;
  /** Names of the files it may read; each is fetched from `/processes/files/<name>`. */
  files: string[];
  /** The template, fetched as the file `template`; its imports resolve from the runner's Rafiki. */
  template: boolean;
  env?: Record<string, string>;
  limits: Limits;
  /** How the runner sandboxes untrusted code: as the Admin's RAFIKI_SANDBOX says. */
  sandbox: SandboxMode;
}

export type AdminToRunner =
  | { type: 'start'; spec: RemoteSpec }
  | { type: 'ipc'; message: Envelope }
  | { type: 'stop'; graceMs: number }
  | { type: 'restart-cpu-clock' };

export type RunnerToAdmin =
  | { type: 'started'; paths: Record<string, string>; sandboxed: boolean; pid: number; hostname: string }
  | { type: 'failed'; message: string }
  | { type: 'ipc'; message: Envelope }
  | { type: 'usage'; usage: Usage }
  | { type: 'exit'; info: ExitInfo };

export type AdminToAgent =
  | { type: 'launch'; processId: string; command: string[] }
  | { type: 'remove'; processId: string };

export type AgentToAdmin =
  | { type: 'hello'; hostname: string }
  | { type: 'gone'; processId: string; reason: string };
