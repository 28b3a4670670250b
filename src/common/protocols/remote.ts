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

/** The name a template's `node_modules` is fetched by, beside the template's own file (`template`). */
export const TEMPLATE_MODULES = 'template-modules';

/**
 * A folder among a process's files: fetched as one tar archive
 * (`src/common/ipc/folder-archive.ts`), kept on the runner's host by `key`.
 */
export interface RemoteFolder {
  /** Names this folder's content: the same key, the same entries (the Admin's fingerprint of its tree). */
  key: string;
  /** It held the Admin's `rafiki` link to its Rafiki, which is not sent: the runner links its own there. */
  rafiki: boolean;
}

/** A process spec as a remote runner gets it: scripts relative to the project root, files by name (fetched from the Admin). */
export interface RemoteSpec {
  kind: ProcessKind;
  run: { script: string; args?: string[] };
  untrusted: boolean;
  /** Names of the files (and folders) it may read; each is fetched from `/processes/files/<name>`. */
  files: string[];
  /** Those of `files` that are folders. */
  folders?: Record<string, RemoteFolder>;
  /**
   * A file whose imports resolve from one of `folders` on the Admin (a template
   * in a folder beside its `node_modules`), by name: the runner places it beside
   * a link to that folder, so that they resolve there too.
   */
  modulesOf?: Record<string, string>;
  /** The template, fetched as the file `template`, and its `node_modules` as the folder TEMPLATE_MODULES. */
  template?: { modules: RemoteFolder };
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
