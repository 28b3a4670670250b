// A replica's input tensors go through shared memory when it can be had, and
// whole over IPC when not; the answers are the same either way.
import { afterAll, expect, setDefaultTimeout, test } from 'bun:test';
import { encodeQueries } from '../../src/frontend/encode.ts';
import { Replica } from '../../src/frontend/replica.ts';
import { trialRunner } from '../../src/frontend/trial-runner.ts';
import { IRIS_QUERIES, services, tempDir, trainTabular } from './support.ts';

setDefaultTimeout(30_000);

const dir = tempDir();
afterAll(() => dir.remove());

test('without shared memory (too large to make) the replica still predicts, over IPC', async () => {
  const softmax = await trainTabular(dir.path, { id: 'softmax', file: 'iris.csv', className: 'SoftmaxRegression', knobs: { optimizer: 'adam', learningRate: 0.05, weightDecay: 1e-4, batchSize: 16, epochs: 10 } });
  const expected = await softmax.predict(IRIS_QUERIES) as number[][];
  for (const maxBatchSize of [64, 2 ** 40]) {
    const replica = new Replica(softmax.trial, { services, limits: { memoryBytes: 2 * 1024 ** 3, processes: 32 }, batchTimeoutMs: 10_000, task: 'TABULAR_CLASSIFICATION', onnxThreads: 1, shared: { slots: 1, maxBatchSize } });
    try {
      const { input } = await replica.start();
      const entries = encodeQueries(input!, IRIS_QUERIES).map((row, q) => ({ id: `r:${q}`, origin: 'local', deadline: Date.now() + 10_000, enqueuedAt: Date.now(), payload: { row } }));
      expect(replica.sharedInput(0, 4) === null).toBe(maxBatchSize !== 64);
      const answers = await trialRunner(replica, { slot: 0, features: [4], regression: false })(entries);
      answers.forEach((answer, q) => (answer.prediction as number[]).forEach((p, k) => expect(Math.abs(p - expected[q]![k]!)).toBeLessThan(1e-5)));
    } finally {
      await replica.stop();
    }
  }
});
