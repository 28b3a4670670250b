/**
 * The sandbox for code Rafiki did not write, with bubblewrap (the tool Flatpak
 * uses): new user, PID, IPC, UTS, cgroup and network namespaces; a mount
 * namespace that holds only the system's shared libraries, Bun, Rafiki's own
 * code and packages (read-only), the files the spec names (read-only, under
 * /rafiki), a private /tmp and scratch folder (tmpfs, bounded), a private /proc
 * and a minimal /dev. No shell or other program is there to run, nor the data
 * directory, nor any other tenant's file. The environment is empty but for
 * what Bun needs. The sandbox's first process is its PID namespace's init:
 * when it ends, the kernel ends every process left in it, and it ends with
 * the process that started it (`--die-with-parent`).
 *
 * Trusted processes (a query frontend) run as they are.
 */
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { baseEnv, unsandboxed, type LaunchPlan, type Sandbox } from './sandbox.ts';
import type { ProcessSpec } from './services.ts';

/** Rafiki's own code and packages, visible read-only at their own paths so that `rafiki/model` and the workers' imports resolve. */
const PROJECT = resolve(import.meta.dir, '../../..');
const PROJECT_PARTS = ['package.json', 'src', 'node_modules'];
/** Shared libraries only: no /usr/bin, so no shell nor any other program. */
const SYSTEM = ['/usr/lib', '/usr/lib64', '/lib', '/lib64'];
/** What name resolution and TLS need, for dependency installs (the only sandboxes with a network). */
const NETWORK_FILES = ['/etc/resolv.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/ssl', '/etc/ca-certificates', '/usr/share/ca-certificates'];
const NOBODY = '65534';
const MB = 1024 * 1024;

/** Where a sandboxed process finds what its spec gives it. */
export const SANDBOX_PATHS = {
  files: '/rafiki/in',
  shared: '/rafiki/shared',
  template: '/rafiki/template',
  workdir: '/rafiki/work',
  scratch: '/rafiki/scratch',
} as const;

function systemMounts(): string[] {
  const args: string[] = [];
  for (const path of SYSTEM) {
    if (!existsSync(path)) continue;
    const stat = lstatSync(path);
    // On merged-/usr systems /lib is a link into /usr/lib: the same link, not a second mount.
    if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(path), path);
    else args.push('--ro-bind', path, path);
  }
  args.push('--ro-bind-try', '/etc/ld.so.cache', '/etc/ld.so.cache');
  return args;
}

/** A name from a spec as a single path segment, so that no name can point elsewhere. */
function segment(name: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name === '.' || name === '..') throw new Error(`a sandbox file name must be a plain name, got ${JSON.stringify(name)}`);
  return name;
}

export function bubblewrap(options: { bwrap?: string } = {}): Sandbox {
  const bwrap = options.bwrap ?? 'bwrap';
  return {
    name: 'bubblewrap',
    plan(spec: ProcessSpec, command: string[], ipc: boolean): LaunchPlan {
      if (!spec.untrusted) return unsandboxed.plan(spec, command, ipc);
      const bun = command[0]!;
      const tmpfsBytes = String(Math.max(16 * MB, Math.floor(spec.limits.memoryBytes / 4)));
      const args = [
        bwrap, '--unshare-all', ...(spec.network ? ['--share-net'] : []),
        '--die-with-parent', '--new-session', '--uid', NOBODY, '--gid', NOBODY, '--hostname', 'rafiki-sandbox',
        ...systemMounts(),
        '--proc', '/proc', '--dev', '/dev',
        '--size', tmpfsBytes, '--tmpfs', '/tmp',
        '--size', tmpfsBytes, '--tmpfs', SANDBOX_PATHS.scratch,
        '--ro-bind', bun, bun,
        ...PROJECT_PARTS.flatMap((part) => ['--ro-bind', `${PROJECT}/${part}`, `${PROJECT}/${part}`]),
      ];
      if (spec.network) for (const file of NETWORK_FILES) args.push('--ro-bind-try', file, file);
      const paths: Record<string, string> = {};
      for (const [name, file] of Object.entries(spec.files ?? {})) {
        paths[name] = `${SANDBOX_PATHS.files}/${segment(name)}`;
        args.push('--ro-bind', file, paths[name]);
      }
      for (const [name, file] of Object.entries(spec.shared ?? {})) {
        paths[name] = `${SANDBOX_PATHS.shared}/${segment(name)}`;
        args.push('--bind', file, paths[name]);
      }
      if (spec.template) {
        paths.template = `${SANDBOX_PATHS.template}/${segment(basename(spec.template.file))}`;
        args.push('--ro-bind', spec.template.nodeModules, `${SANDBOX_PATHS.template}/node_modules`, '--ro-bind', spec.template.file, paths.template);
      }
      if (spec.workdir) {
        paths.workdir = SANDBOX_PATHS.workdir;
        args.push('--bind', spec.workdir, SANDBOX_PATHS.workdir);
      }
      const env: Record<string, string> = {
        PATH: dirname(bun),
        ...baseEnv(SANDBOX_PATHS.scratch, '/tmp', spec),
        // Bun finds its IPC channel from these; --clearenv would drop the ones it set for bwrap.
        ...(ipc ? { NODE_CHANNEL_FD: '3', NODE_CHANNEL_SERIALIZATION_MODE: 'advanced' } : {}),
      };
      args.push('--clearenv', ...Object.entries(env).flatMap(([key, value]) => ['--setenv', key, value]));
      args.push('--chdir', paths.workdir ?? SANDBOX_PATHS.scratch, '--', ...command);
      // bwrap itself, and the init it starts in the new PID namespace.
      return { argv: args, env: {}, cwd: '/', paths, sandboxed: true, overhead: 2, cleanup: () => {} };
    },
  };
}

/**
 * Whether bubblewrap can make a sandbox here (it is installed, and user
 * namespaces are allowed): answers null if so, else the reason.
 */
export async function bubblewrapProblem(bwrap = 'bwrap'): Promise<string | null> {
  try {
    const plan = bubblewrap({ bwrap }).plan({ kind: 'CHECK', run: { bun: ['-e', '0'] }, untrusted: true, limits: { memoryBytes: 256 * MB, processes: 4 } }, [process.execPath, '-e', '0'], false);
    const probe = Bun.spawn(plan.argv, { stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', env: plan.env });
    const [code, stderr] = await Promise.all([probe.exited, new Response(probe.stderr).text()]);
    return code === 0 ? null : `bwrap exited with code ${code}: ${stderr.trim().split('\n').slice(0, 3).join(' ') || 'no message'}`;
  } catch (error) {
    return `bwrap cannot be run (${error instanceof Error ? error.message : String(error)}); install the bubblewrap package`;
  }
}
