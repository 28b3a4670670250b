// Per-request deadlines: what has arrived at the deadline, marked partial, or 504.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import { join } from 'node:path';
import type { DeployedTrial } from '../../src/common/protocols/frontend.ts';
import { frontendSpec, IRIS_QUERIES, post, serve, tempDir, trainCentroid, type Trained, trainTabular } from './support.ts';
import { deployableTemplate } from '../support/services.ts';

setDefaultTimeout(60_000);

const dir = tempDir();
let softmax: Trained;
let slow: DeployedTrial;

beforeAll(async () => {
  softmax = await trainTabular(dir.path, { id: 'softmax', file: 'iris.csv', className: 'SoftmaxRegression', knobs: { optimizer: 'adam', learningRate: 0.05, weightDecay: 1e-4, batchSize: 16, epochs: 10 } });
  const centroid = await trainCentroid(dir.path, 'slow');
  slow = { ...centroid.trial, template: { ...await deployableTemplate(join(import.meta.dir, 'fixtures/slow-centroid.ts')), className: 'SlowCentroid', knobs: { ...centroid.trial.template.knobs, delayMs: 1500 } } };
});
afterAll(() => dir.remove());

test('a trial that misses the deadline leaves it out: the answer is the others\' and says partial', async () => {
  const frontend = await serve(frontendSpec({ task: 'TABULAR_CLASSIFICATION', trials: [softmax.trial, slow] }));
  try {
    const { status, body } = await post(frontend.port, '/predict', { queries: IRIS_QUERIES, deadline_ms: 300 });
    expect(status).toBe(200);
    expect(body.partial).toBe(true);
    const expected = await softmax.predict(IRIS_QUERIES) as number[][];
    (body.predictions as number[][]).forEach((row, q) => row.forEach((p, k) => expect(Math.abs(p - expected[q]![k]!)).toBeLessThan(1e-4)));
    const v2 = await post(frontend.port, '/v2/models/app/infer', { parameters: { deadline_ms: 300 }, inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] });
    expect(v2.status).toBe(200);
    expect(v2.body.parameters).toEqual({ partial: true });
  } finally {
    await frontend.stop();
  }
});

test('nothing by the deadline is a 504', async () => {
  const frontend = await serve(frontendSpec({ task: 'TABULAR_CLASSIFICATION', trials: [slow], deadlineMs: 300 }));
  try {
    const { status, body } = await post(frontend.port, '/predict', { query: IRIS_QUERIES[0] });
    expect(status).toBe(504);
    expect(body.error).toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('deadline') });
  } finally {
    await frontend.stop();
  }
});
