/**
 * Two hosts made of network namespaces, for tests of Rafiki across machines:
 * `a` and `b` joined by a veth pair, and `a` joined to this namespace by
 * another so the test can reach the Admin. Traffic stays between the
 * namespaces made here. Needs root and `ip` (iproute2).
 */
import { spawnSync } from 'bun';

export interface Hosts {
  /** Namespace names. */
  a: string;
  b: string;
  /** `a`'s and `b`'s addresses on their link. */
  addressA: string;
  addressB: string;
  /** `a`'s address as this namespace reaches it. */
  addressFromHere: string;
  /** Runs a command in a namespace. */
  spawn(host: string, argv: string[], env?: Record<string, string | undefined>): ReturnType<typeof Bun.spawn>;
  /** SIGKILLs every process in a namespace. */
  killAll(host: string): void;
  /** The namespace a process runs in, by name (null: none of these). */
  hostOf(pid: number): string | null;
  dispose(): void;
}

/** Why the namespaces cannot be made here, or null. */
export function netnsProblem(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  if (spawnSync(['ip', '-V']).exitCode !== 0) return 'ip (iproute2) is not installed';
  return null;
}

function ip(...args: string[]): void {
  const run = spawnSync(['ip', ...args], { stderr: 'pipe' });
  if (run.exitCode !== 0) throw new Error(`ip ${args.join(' ')}: ${run.stderr.toString().trim()}`);
}

export function makeHosts(): Hosts {
  const tag = crypto.randomUUID().slice(0, 6);
  // A /24 of 10.0.0.0/8 picked at random for each run, so that runs at once do not meet.
  const net = `10.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}`;
  const a = `rafiki-a-${tag}`;
  const b = `rafiki-b-${tag}`;
  const [ab, ba, here, there] = [`ra${tag}`, `rb${tag}`, `rh${tag}`, `rt${tag}`];
  const hosts: Hosts = {
    a, b,
    addressA: `${net}.1`, addressB: `${net}.2`, addressFromHere: `${net}.6`,
    spawn: (host, argv, env = {}) => Bun.spawn(['ip', 'netns', 'exec', host, ...argv], { env: { ...process.env, ...env }, stdout: 'inherit', stderr: 'inherit' }),
    killAll(host) {
      const pids = spawnSync(['ip', 'netns', 'pids', host]).stdout.toString().split('\n').filter(Boolean).map(Number);
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    },
    hostOf(pid) {
      const name = spawnSync(['ip', 'netns', 'identify', String(pid)]).stdout.toString().trim();
      return name === a || name === b ? name : null;
    },
    dispose() {
      for (const host of [a, b]) {
        hosts.killAll(host);
        spawnSync(['ip', 'netns', 'delete', host]);
      }
      spawnSync(['ip', 'link', 'delete', here]);
    },
  };
  try {
    ip('netns', 'add', a);
    ip('netns', 'add', b);
    for (const host of [a, b]) ip('-n', host, 'link', 'set', 'lo', 'up');
    ip('link', 'add', ab, 'netns', a, 'type', 'veth', 'peer', 'name', ba, 'netns', b);
    ip('-n', a, 'addr', 'add', `${hosts.addressA}/30`, 'dev', ab);
    ip('-n', b, 'addr', 'add', `${hosts.addressB}/30`, 'dev', ba);
    ip('-n', a, 'link', 'set', ab, 'up');
    ip('-n', b, 'link', 'set', ba, 'up');
    ip('link', 'add', here, 'type', 'veth', 'peer', 'name', there, 'netns', a);
    ip('addr', 'add', `${net}.5/30`, 'dev', here);
    ip('-n', a, 'addr', 'add', `${hosts.addressFromHere}/30`, 'dev', there);
    ip('link', 'set', here, 'up');
    ip('-n', a, 'link', 'set', there, 'up');
  } catch (error) {
    hosts.dispose();
    throw error;
  }
  return hosts;
}
