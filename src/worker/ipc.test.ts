import { afterEach, expect, test } from 'bun:test';
import * as Comlink from 'comlink';
import { join } from 'node:path';
import { ipcEndpoint, spawnIpc, type IpcChild } from './ipc.ts';

const FIXTURE = join(import.meta.dir, 'fixtures/echo-worker.ts');
let child: IpcChild | undefined;
afterEach(() => {
  child?.process.kill('SIGKILL');
});

interface EchoApi {
  double(values: Float32Array): Float32Array;
  callHost(n: number): Promise<number>;
  fail(message: string): never;
  pid(): number;
}

test('calls cross the IPC pipe both ways, typed arrays stay typed, errors come back as errors', async () => {
  child = spawnIpc([process.execPath, FIXTURE]);
  Comlink.expose({ square: (n: number) => n * n }, ipcEndpoint(child.port, 'host'));
  const worker = Comlink.wrap<EchoApi>(ipcEndpoint(child.port, 'worker'));
  const doubled = await worker.double(new Float32Array([1, 2.5, -3]));
  expect(doubled).toBeInstanceOf(Float32Array);
  expect([...doubled]).toEqual([2, 5, -6]);
  expect(await worker.callHost(7)).toBe(50);
  await expect(worker.fail('template broke')).rejects.toThrow('template broke');
  expect(await worker.pid()).toBe(child.process.pid);
});

test('a worker exits by itself when its parent goes away', async () => {
  const parent = Bun.spawn([process.execPath, '-e', `
    const { spawnIpc } = await import(${JSON.stringify(join(import.meta.dir, 'ipc.ts'))});
    const c = spawnIpc([process.execPath, ${JSON.stringify(FIXTURE)}]);
    console.log(c.process.pid);
    await Bun.sleep(60000);
  `], { stdout: 'pipe' });
  const reader = parent.stdout.getReader();
  const { value } = await reader.read();
  const workerPid = Number(new TextDecoder().decode(value).trim());
  expect(workerPid).toBeGreaterThan(0);
  parent.kill('SIGKILL');
  await parent.exited;
  let alive = true;
  for (let i = 0; i < 50 && alive; i++) {
    await Bun.sleep(100);
    try {
      process.kill(workerPid, 0);
    } catch {
      alive = false;
    }
  }
  expect(alive).toBe(false);
});
