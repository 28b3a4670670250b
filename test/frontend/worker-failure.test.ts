// A worker killed (SIGKILL) under load while it holds a batch: the batch is
// tried again on the restarted worker, and every accepted request is still
// answered, correctly. The trial is slowed so that the kill lands mid-batch. A
// worker whose predict never returns is ended and started again.
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test';
import { join } from 'node:path';
import type { RunningFrontend } from '../../src/frontend/frontend.ts';
import { frontendSpec, get, IRIS_QUERIES, post, serve, tempDir, trainCentroid, trainTabular } from './support.ts';
import { deployableTemplate } from '../support/services.ts';

setDefaultTimeout(60_000);

const dir = tempDir();
afterAll(() => dir.remove());

/**
 * 16 clients post iris queries and check every answer against `expected`
 * until `warmup` are answered; then the frontend's first worker is killed
 * (once `whenToKill` says so), and each client goes on for `after` more.
 * Answers the victim's pid.
 */
async function killUnderLoad(frontend: RunningFrontend, expected: number[][], options: {
  warmup: number; after: number; tolerance: number; whenToKill?: (victim: number) => boolean;
}): Promise<number> {
  const victim = frontend.stats().workers[0]!.pid!;
  let killed = false;
  let answered = 0;
  const client = async (c: number) => {
    for (let i = 0; !killed || i < options.after; i++) {
      const q = (c + i) % 3;
      const { status, body } = await post(frontend.port, '/predict', { query: IRIS_QUERIES[q] });
      expect(status).toBe(200);
      expect(body.partial).toBeUndefined();
      (body.prediction as number[]).forEach((p, k) => expect(Math.abs(p - expected[q]![k]!)).toBeLessThan(options.tolerance));
      answered++;
    }
  };
  const clients = Array.from({ length: 16 }, (_, c) => client(c));
  while (answered < options.warmup) await Bun.sleep(1);
  while (options.whenToKill && !options.whenToKill(victim)) await Bun.sleep(1);
  process.kill(victim, 'SIGKILL');
  killed = true;
  await Promise.all(clients);
  return victim;
}

test('every request is answered while a worker is killed and restarted', async () => {
  const centroid = await trainCentroid(dir.path, 'slow');
  const expected = await centroid.predict(IRIS_QUERIES) as number[][];
  const trial = { ...centroid.trial, template: { ...await deployableTemplate(join(import.meta.dir, 'fixtures/slow-centroid.ts')), className: 'SlowCentroid', knobs: { ...centroid.trial.template.knobs, delayMs: 100 } } };
  const frontend = await serve(frontendSpec({ task: 'TABULAR_CLASSIFICATION', trials: [trial], replicasPerTrial: 2, deadlineMs: 20_000 }));
  try {
    const victim = await killUnderLoad(frontend, expected, {
      warmup: 20, after: 10, tolerance: 1e-6, whenToKill: (pid) => frontend.stats().busyWorkers.includes(pid),
    });
    expect(frontend.stats().workers.filter((w) => w.restarts === 1 && w.pid !== victim)).toHaveLength(1);
    expect(frontend.stats().retriedBatches).toBeGreaterThanOrEqual(1);
  } finally {
    await frontend.stop();
  }
});

test('an ONNX trial\'s worker killed under load: its successor gets new shared memory and every request is answered', async () => {
  const softmax = await trainTabular(dir.path, { id: 'softmax', file: 'iris.csv', className: 'SoftmaxRegression', knobs: { optimizer: 'adam', learningRate: 0.05, weightDecay: 1e-4, batchSize: 16, epochs: 10 } });
  const expected = await softmax.predict(IRIS_QUERIES) as number[][];
  const frontend = await serve(frontendSpec({ task: 'TABULAR_CLASSIFICATION', trials: [softmax.trial], deadlineMs: 20_000 }));
  try {
    const victim = await killUnderLoad(frontend, expected, { warmup: 50, after: 20, tolerance: 1e-5 });
    expect(frontend.stats().workers).toEqual([expect.objectContaining({ restarts: 1 })]);
    expect(frontend.stats().workers[0]!.pid).not.toBe(victim);
  } finally {
    await frontend.stop();
  }
});

test('a predict that never returns: its batch is answered with an error, the worker ended and started again, not ready meanwhile', async () => {
  const centroid = await trainCentroid(dir.path, 'hangs');
  const expected = await centroid.predict(IRIS_QUERIES) as number[][];
  const trial = { ...centroid.trial, template: { ...await deployableTemplate(join(import.meta.dir, 'fixtures/hanging-centroid.ts')), className: 'HangingCentroid', knobs: centroid.trial.template.knobs } };
  const frontend = await serve(frontendSpec({ task: 'TABULAR_CLASSIFICATION', trials: [trial], batchTimeoutMs: 1500, deadlineMs: 10_000 }));
  try {
    const first = frontend.stats().workers[0]!.pid!;
    expect((await get(frontend.port, '/v2/health/ready')).status).toBe(200);
    const started = performance.now();
    const hung = post(frontend.port, '/predict', { query: [999, 3.5, 1.4, 0.2] });
    let sawNotReady = false;
    const watch = (async () => {
      while (!sawNotReady && performance.now() - started < 8000) {
        sawNotReady = (await get(frontend.port, '/v2/health/ready')).status === 503;
        await Bun.sleep(5);
      }
    })();
    const { status, body } = await hung;
    expect(status).toBe(500);
    expect(body.error).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('did not answer within 1.5 s') });
    await watch;
    expect(sawNotReady).toBe(true);
    const again = await post(frontend.port, '/predict', { query: IRIS_QUERIES[1] });
    expect(again.status).toBe(200);
    (again.body.prediction as number[]).forEach((p, k) => expect(Math.abs(p - expected[1]![k]!)).toBeLessThan(1e-6));
    expect(frontend.stats().workers[0]).toMatchObject({ restarts: 1 });
    expect(frontend.stats().workers[0]!.pid).not.toBe(first);
    expect((await get(frontend.port, '/v2/health/ready')).status).toBe(200);
  } finally {
    await frontend.stop();
  }
});
