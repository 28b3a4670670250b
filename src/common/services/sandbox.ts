/**
 * How a local process is started for its spec: the policy half of the local
 * services manager (local.ts is the mechanism). `unsandboxed` runs it as a
 * plain child with a bare environment; `bubblewrap` (bubblewrap.ts) runs
 * untrusted processes in their own namespaces, seeing only what the spec names.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessSpec } from './services.ts';

export interface LaunchPlan {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** Where the process sees its spec's files (see ManagedProcess.paths). */
  paths: Record<string, string>;
  sandboxed: boolean;
  /** Processes of the sandbox's own at the top of the tree (not counted against the limit). */
  overhead: number;
  /** Removes what the plan made (a scratch folder), once the process has ended. */
  cleanup(): void;
}

export interface Sandbox {
  readonly name: 'bubblewrap' | 'none';
  /** The plan to start `command` (Bun and its arguments) for `spec`; `ipc` when it gets an IPC channel. */
  plan(spec: ProcessSpec, command: string[], ipc: boolean): LaunchPlan;
}

/** The environment every Rafiki process gets, whatever runs it; no variable of the parent's. */
export function baseEnv(home: string, tmp: string, spec: ProcessSpec): Record<string, string> {
  return { HOME: home, TMPDIR: tmp, NODE_ENV: 'production', BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0', ...spec.env };
}

/** Host paths as they are, a scratch folder under the OS's temp folder: for `RAFIKI_SANDBOX=off` and trusted processes. */
export const unsandboxed: Sandbox = {
  name: 'none',
  plan(spec, command) {
    const scratch = mkdtempSync(join(tmpdir(), 'rafiki-scratch-'));
    const paths: Record<string, string> = { ...spec.files, ...spec.shared };
    if (spec.template) paths.template = spec.template.file;
    if (spec.workdir) paths.workdir = spec.workdir;
    return {
      argv: command,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...baseEnv(scratch, scratch, spec) },
      cwd: spec.workdir ?? scratch,
      paths,
      sandboxed: false,
      overhead: 0,
      cleanup: () => rmSync(scratch, { recursive: true, force: true }),
    };
  },
};
