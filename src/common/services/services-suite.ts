/**
 * The behaviour every implementation of the services contract must have
 * (services.ts), run by each implementation's test against real processes.
 */
import { expect, test } from 'bun:test';
import { Type } from '@sinclair/typebox';
import * as Comlink from 'comlink';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '../ipc/calls.ts';
import type { probe } from './fixtures/probe.ts';
import { ProcessTable } from './process-tree.ts';
import type { Limits, ManagedProcess, Services } from './services.ts';

const PROBE = join(import.meta.dir, 'fixtures/probe.ts');
const MB = 1024 * 1024;
const ROOMY: Limits = { memoryBytes: 2048 * MB, processes: 64 };

export type Probe = Comlink.Remote<typeof probe>;

export async function spawnProbe(services: Services, limits: Limits = ROOMY, extra: Partial<Parameters<Services['spawn']>[0]> = {}): Promise<{ process: ManagedProcess; probe: Probe }> {
  const process = await services.spawn({ kind: 'TRAIN_WORKER', run: { script: PROBE }, untrusted: true, limits, ...extra });
  serve(process.endpoint('host'), { square: { args: Type.Tuple([Type.Number()]), result: Type.Number() } }, { square: (n) => n * n });
  return { process, probe: Comlink.wrap<typeof probe>(process.endpoint('probe')) };
}

/** Waits until the process's tree has at least `count` processes. */
async function treeOf(process: ManagedProcess, count: number): Promise<number[]> {
  for (let i = 0; i < 200; i++) {
    const pids = ProcessTable.read().tree(process.pid!);
    if (pids.length >= count) return pids;
    await Bun.sleep(25);
  }
  throw new Error(`the tree never had ${count} processes`);
}

/** Pids of running processes whose command line holds `marker`. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker) && alive(pid);
    } catch {
      return false;
    }
  });
}

/** Whether a process runs (a zombie, ended but not yet reaped, does not). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function servicesSuite(make: () => Services | Promise<Services>): void {
  test('calls cross the channel both ways, typed arrays stay typed, the process starts with none of our environment', async () => {
    process.env.RAFIKI_SUITE_SECRET = 'do-not-pass';
    const { process: child, probe } = await spawnProbe(await make());
    try {
      const doubled = await probe.double(new Float32Array([1, 2.5, -3]));
      expect(doubled).toBeInstanceOf(Float32Array);
      expect([...doubled]).toEqual([2, 5, -6]);
      expect(await probe.callHost(7)).toBe(50);
      const env = await probe.env();
      expect(env.RAFIKI_SUITE_SECRET).toBeUndefined();
      expect(Object.keys(env).filter((k) => /DATABASE|REDIS|SECRET|PASSWORD/.test(k))).toEqual([]);
      expect(child.status()).toBe('RUNNING');
    } finally {
      delete process.env.RAFIKI_SUITE_SECRET;
      const info = await child.stop();
      expect(info).toMatchObject({ requested: true, reason: 'stopped', limit: null });
      expect(child.status()).toBe('EXITED');
    }
  });

  test('memory summed over the tree past the limit ends every process of it, and says so', async () => {
    const { process: child, probe } = await spawnProbe(await make(), { memoryBytes: 400 * MB, processes: 64 });
    void probe.children(3, 150, false);
    const info = await child.wait();
    expect(info.reason).toMatch(/^killed: \d+ MB used, over the limit of 400 MB$/);
    expect(info.limit).toBe('memoryBytes');
    expect(info.requested).toBe(false);
  });

  test('more processes than the limit ends the tree, children started while it is being ended included', async () => {
    const { process: child, probe } = await spawnProbe(await make(), { memoryBytes: 4096 * MB, processes: 3 });
    const marker = `suite-${crypto.randomUUID()}`;
    void probe.children(8, 1, true, marker);
    expect((await child.wait()).reason).toMatch(/^killed: \d+ processes, over the limit of 3$/);
    await Bun.sleep(300);
    expect(processesWith(marker)).toEqual([]);
  });

  test('CPU time is counted from the last restart of the clock, and past the limit ends the tree', async () => {
    const { process: child, probe } = await spawnProbe(await make(), { memoryBytes: 2048 * MB, processes: 64, cpuSeconds: 1.5 });
    await probe.burn(900);
    await Bun.sleep(400);
    child.restartCpuClock();
    await probe.burn(900);
    await Bun.sleep(400);
    expect(child.status()).toBe('RUNNING');
    void probe.burn(3000);
    expect((await child.wait()).reason).toMatch(/^killed: [\d.]+ s of CPU used, over the limit of 1.5 s$/);
  });

  test('a process past its wall time is ended', async () => {
    const { process: child } = await spawnProbe(await make(), { ...ROOMY, wallSeconds: 1 });
    expect(await child.wait()).toMatchObject({ reason: 'killed: still running after its time limit of 1 s', limit: 'wallSeconds' });
  });

  test('stop ends every process of the tree, detached ones included', async () => {
    const { process: child, probe } = await spawnProbe(await make());
    await probe.children(2, 1, true);
    await probe.children(1, 1, false);
    const pids = await treeOf(child, 4);
    await child.stop(1000);
    await Bun.sleep(100);
    expect(pids.filter(alive)).toEqual([]);
  });

  test('Bun run without a channel: its exit code and the tail of what it printed', async () => {
    const services = await make();
    const child = await services.spawn({ kind: 'INSTALL', run: { bun: ['-e', 'console.log("a line"); console.error("to stderr"); process.exit(3)'] }, untrusted: true, limits: ROOMY });
    const info = await child.wait();
    expect(info).toMatchObject({ code: 3, reason: 'exited with code 3', requested: false });
    expect(info.output).toContain('a line');
    expect(info.output).toContain('to stderr');
    expect(() => child.endpoint('x')).toThrow('has no channel');
  });

  test('files named in the spec are readable where paths says', async () => {
    const services = await make();
    const { process: child, probe } = await spawnProbe(services, ROOMY, { files: { data: join(import.meta.dir, 'fixtures/probe.ts') } });
    try {
      const read = await probe.read(child.paths.data!);
      expect(read.ok && read.value).toContain('A process for the services suite');
    } finally {
      await child.stop();
    }
  });
}
