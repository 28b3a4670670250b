// The services contract in the bubblewrap sandbox: the shared suite, and what
// only a sandbox keeps. Skipped where bubblewrap cannot run, except where
// RAFIKI_SANDBOX=required (CI), where that fails.
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sandboxProblem } from '../../../test/support/services.ts';
import { bubblewrap } from './bubblewrap.ts';
import { LocalServices } from './local.ts';
import { ProcessTable } from './process-tree.ts';
import { servicesSuite, spawnProbe } from './services-suite.ts';

const problem = await sandboxProblem();
const make = () => new LocalServices({ sandbox: bubblewrap(), watchEveryMs: 50 });
const ROOT = resolve(import.meta.dir, '../../..');

describe.skipIf(problem !== null)('local services in bubblewrap', () => {
  servicesSuite(make);

  test('it sees only what its spec names: no other file, no network, no shell, nothing writable but scratch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rafiki-sandbox-'));
    const secret = join(dir, 'secret');
    writeFileSync(secret, 'the Admin\'s secret');
    const given = join(dir, 'given');
    writeFileSync(given, 'yours');
    const server = createServer((socket) => socket.end()).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    process.env.RAFIKI_SANDBOX_CANARY = 'from-the-parent';
    const { process: child, probe } = await spawnProbe(make(), undefined, { files: { given } });
    delete process.env.RAFIKI_SANDBOX_CANARY;
    try {
      expect(child.sandboxed).toBe(true);
      expect(await probe.uid()).toBe(65534);
      expect(await probe.read(child.paths.given!)).toEqual({ ok: true, value: 'yours' });
      expect((await probe.read(secret)).ok).toBe(false);
      expect((await probe.read(join(ROOT, 'README.md'))).ok).toBe(false);
      expect((await probe.read('/etc/passwd')).ok).toBe(false);
      // Its PID 1 is the sandbox's own init: no environment of ours shows there.
      const environ = await probe.read('/proc/1/environ');
      expect(environ.ok ? environ.value : '').not.toContain('RAFIKI_SANDBOX_CANARY');
      expect((await probe.write(join(ROOT, 'src/backdoor.ts'), 'x')).ok).toBe(false);
      expect((await probe.write(child.paths.given!, 'changed')).ok).toBe(false);
      expect((await probe.write('/rafiki/scratch/notes', 'x')).ok).toBe(true);
      expect(await probe.shell()).toMatchObject({ ok: false });
      const address = server.address() as { port: number };
      expect(await probe.connect(address.port)).toMatchObject({ ok: false });
      expect(readFileSync(given, 'utf8')).toBe('yours');
    } finally {
      await child.stop();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every process in it ends when the process that spawned it dies, detached ones included', async () => {
    const script = `
      const { LocalServices } = await import(${JSON.stringify(join(import.meta.dir, 'local.ts'))});
      const { bubblewrap } = await import(${JSON.stringify(join(import.meta.dir, 'bubblewrap.ts'))});
      const { spawnProbe } = await import(${JSON.stringify(join(import.meta.dir, 'services-suite.ts'))});
      const { process: child, probe } = await spawnProbe(new LocalServices({ sandbox: bubblewrap() }));
      await probe.children(2, 1, true);
      console.log(child.pid);
      await Bun.sleep(60_000);`;
    const parent = Bun.spawn([process.execPath, '-e', script], { stdout: 'pipe', stderr: 'inherit' });
    const reader = parent.stdout.getReader();
    const sandboxPid = Number(new TextDecoder().decode((await reader.read()).value).trim());
    let pids: number[] = [];
    for (let i = 0; i < 100 && pids.length < 5; i++) {
      await Bun.sleep(20);
      pids = ProcessTable.read().tree(sandboxPid);
    }
    expect(pids.length).toBeGreaterThanOrEqual(5);
    parent.kill('SIGKILL');
    await parent.exited;
    let left = pids;
    for (let i = 0; i < 50 && left.length > 0; i++) {
      await Bun.sleep(100);
      left = ProcessTable.read().tree(sandboxPid).concat(pids.filter((pid) => ProcessTable.read().tree(pid).length > 0));
    }
    expect(left).toEqual([]);
  });
});
