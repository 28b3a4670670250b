// The frontend as the Admin starts it: `bun src/frontend/main.ts` with an IPC
// pipe, driven over comlink on channel 'frontend'.
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test';
import * as Comlink from 'comlink';
import { join } from 'node:path';
import type { FrontendApi } from '../../src/frontend/main.ts';
import { ipcEndpoint, spawnIpc } from '../../src/worker/ipc.ts';
import { frontendSpec, IRIS_QUERIES, post, ROOT, tempDir, trainTabular } from './support.ts';

setDefaultTimeout(60_000);

const dir = tempDir();
afterAll(() => dir.remove());

test('start resolves with the port once ready; stats; stop ends the workers', async () => {
  const softmax = await trainTabular(dir.path, { id: 'softmax', file: 'iris.csv', className: 'SoftmaxRegression', knobs: { optimizer: 'adam', learningRate: 0.05, weightDecay: 1e-4, batchSize: 16, epochs: 10 } });
  const child = spawnIpc([process.execPath, join(ROOT, 'src/frontend/main.ts')]);
  try {
    const frontend = Comlink.wrap<FrontendApi>(ipcEndpoint(child.port, 'frontend'));
    const { port } = await frontend.start(frontendSpec({ task: 'TABULAR_CLASSIFICATION', app: 'iris', trials: [softmax.trial] }));
    const { status, body } = await post(port, '/predict', { query: IRIS_QUERIES[0] });
    expect(status).toBe(200);
    expect(body.prediction).toHaveLength(3);
    const stats = await frontend.stats();
    expect(stats).toMatchObject({ port, accepting: true, inFlight: 0 });
    const pids = stats!.workers.map((w) => w.pid!);
    await frontend.stop();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    await expect(frontend.start({ ...frontendSpec({ task: 'TABULAR_CLASSIFICATION', trials: [softmax.trial] }) })).rejects.toThrow('already serves');
  } finally {
    child.process.kill();
    await child.process.exited;
  }
});

test('a trial that cannot load fails start with its reason', async () => {
  const child = spawnIpc([process.execPath, join(ROOT, 'src/frontend/main.ts')]);
  try {
    const frontend = Comlink.wrap<FrontendApi>(ipcEndpoint(child.port, 'frontend'));
    const trial = { trialId: 'x', onnxPath: join(dir.path, 'missing.onnx'), template: { path: '', className: '', knobs: {} }, paramsPath: '', classes: ['a', 'b'] };
    await expect(frontend.start(frontendSpec({ task: 'TABULAR_CLASSIFICATION', trials: [trial] }))).rejects.toThrow('missing.onnx');
  } finally {
    child.process.kill();
    await child.process.exited;
  }
});
