// The frontend as the Admin starts it: `bun src/frontend/main.ts` with an IPC
// pipe, driven over comlink on channel 'frontend'.
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test';
import * as Comlink from 'comlink';
import { join } from 'node:path';
import { FRONTEND_CHANNEL, type FrontendApi } from '../../src/common/protocols/frontend.ts';
import type { ManagedProcess } from '../../src/common/services/services.ts';
import { frontendSpec, IRIS_QUERIES, post, ROOT, services, tempDir, trainTabular } from './support.ts';

function spawnFrontend(): Promise<ManagedProcess> {
  return services.spawn({ kind: 'PREDICTOR', run: { script: join(ROOT, 'src/frontend/main.ts') }, untrusted: false, limits: { memoryBytes: 4 * 1024 ** 3, processes: 64 } });
}

setDefaultTimeout(60_000);

const dir = tempDir();
afterAll(() => dir.remove());

test('start resolves with the port once ready; stats; stop ends the workers', async () => {
  const softmax = await trainTabular(dir.path, { id: 'softmax', file: 'iris.csv', className: 'SoftmaxRegression', knobs: { optimizer: 'adam', learningRate: 0.05, weightDecay: 1e-4, batchSize: 16, epochs: 10 } });
  const child = await spawnFrontend();
  try {
    const frontend = Comlink.wrap<FrontendApi>(child.endpoint(FRONTEND_CHANNEL));
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
    await child.stop();
  }
});

test('a trial that cannot load fails start with its reason', async () => {
  const child = await spawnFrontend();
  try {
    const frontend = Comlink.wrap<FrontendApi>(child.endpoint(FRONTEND_CHANNEL));
    const trial = { trialId: 'x', onnxPath: join(dir.path, 'missing.onnx'), template: { path: '', nodeModules: '', className: '', knobs: {} }, paramsPath: '', classes: ['a', 'b'] };
    await expect(frontend.start(frontendSpec({ task: 'TABULAR_CLASSIFICATION', trials: [trial] }))).rejects.toThrow('missing.onnx');
  } finally {
    await child.stop();
  }
});
