// A frontend serving trained trials for real: workers in subprocesses, onnxruntime,
// HTTP/2 (h2c and TLS) and HTTP/1.1 on one port, ensembles, the template path, stopping.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { join } from 'node:path';
import type { RunningFrontend } from '../../src/frontend/frontend.ts';
import { frontendSpec, get, h2Client, IRIS_QUERIES, OWNER_TOKEN, post, serve, tempDir, trainCentroid, type Trained, trainTabular } from './support.ts';

setDefaultTimeout(60_000);

const dir = tempDir();
let softmax: Trained;
let centroid: Trained;
let frontend: RunningFrontend;

beforeAll(async () => {
  softmax = await trainTabular(dir.path, { id: 'softmax', file: 'iris.csv', className: 'SoftmaxRegression', knobs: { optimizer: 'adam', learningRate: 0.05, weightDecay: 1e-4, batchSize: 16, epochs: 30 } });
  centroid = await trainCentroid(dir.path, 'centroid');
  frontend = await serve(frontendSpec({ task: 'TABULAR_CLASSIFICATION', app: 'iris', trials: [softmax.trial, centroid.trial] }));
});

afterAll(async () => {
  await frontend?.stop();
  dir.remove();
});

function expectClose(actual: number[][], expected: number[][]) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((row, i) => row.forEach((v, k) => expect(Math.abs(v - expected[i]![k]!)).toBeLessThan(1e-4)));
}

async function ensembleOf(queries: unknown[]): Promise<number[][]> {
  const [a, b] = await Promise.all([softmax.predict(queries), centroid.predict(queries)]) as [number[][], number[][]];
  return a.map((row, i) => row.map((v, k) => (v + b[i]![k]!) / 2));
}

describe('an ensemble of an ONNX trial and a template trial', () => {
  test('HTTP/1.1: Rafiki queries answer the mean of the two trials', async () => {
    const { status, body } = await post(frontend.port, '/predict', { queries: IRIS_QUERIES });
    expect(status).toBe(200);
    expect(body.partial).toBeUndefined();
    expectClose(body.predictions, await ensembleOf(IRIS_QUERIES));
    const one = await post(frontend.port, '/predict', { query: IRIS_QUERIES[1] });
    expectClose([one.body.prediction], await ensembleOf([IRIS_QUERIES[1]]));
  });

  test('a classification names the most probable class and its probability beside the probabilities', async () => {
    const classes = softmax.trial.classes;
    const top = (p: number[]) => ({ label: classes[p.indexOf(Math.max(...p))], probability: Math.max(...p) });
    const { body } = await post(frontend.port, '/predict', { queries: IRIS_QUERIES });
    expect(body.labels).toEqual(body.predictions.map((p: number[]) => top(p).label));
    expect(body.label_probabilities).toEqual(body.predictions.map((p: number[]) => top(p).probability));
    expect(new Set(body.labels).size).toBeGreaterThan(1);
    const one = await post(frontend.port, '/predict', { query: IRIS_QUERIES[2] });
    expect(Object.keys(one.body)).toEqual(['prediction', 'label', 'label_probability']);
    expect({ label: one.body.label, probability: one.body.label_probability }).toEqual(top(one.body.prediction));
  });

  test('h2c with prior knowledge, many concurrent streams on one connection', async () => {
    const client = h2Client(`http://127.0.0.1:${frontend.port}`);
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => client.request('POST', '/predict', { query: IRIS_QUERIES[i % 3] })));
      const expected = await ensembleOf(IRIS_QUERIES);
      answers.forEach(({ status, body }, i) => {
        expect(status).toBe(200);
        expectClose([body.prediction], [expected[i % 3]!]);
      });
    } finally {
      client.close();
    }
  });

  test('a bad query is a 400 naming the query and the feature, before anything is queued', async () => {
    const { status, body } = await post(frontend.port, '/predict', { queries: [IRIS_QUERIES[0], { sepal_length: 'tall' }] });
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.message).toContain('query 1');
    expect(body.error.message).toContain('sepal_length');
  });

  test('metrics count requests and batches', async () => {
    const { status, text } = await get(frontend.port, '/metrics');
    expect(status).toBe(200);
    expect(text).toContain('rafiki_frontend_requests_total{endpoint="predict",status="200"}');
    expect(text).toContain('rafiki_frontend_batch_size_bucket');
    expect(text).toContain('rafiki_frontend_queue_seconds_bucket');
    expect(text).toContain('rafiki_frontend_errors_total{endpoint="predict",status="400"}');
  });
});

test('a template that refuses one query of a batch fails that query alone', async () => {
  const only = await serve(frontendSpec({ task: 'TABULAR_CLASSIFICATION', trials: [centroid.trial] }));
  try {
    const [bad, good] = await Promise.all([
      post(only.port, '/predict', { query: { petal_colour: 'blue' } }),
      post(only.port, '/predict', { query: IRIS_QUERIES[0] }),
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('petal_colour');
    expect(good.status).toBe(200);
    expectClose([good.body.prediction], await centroid.predict([IRIS_QUERIES[0]]) as number[][]);
  } finally {
    await only.stop();
  }
});

test('a template whose predictions for one query of a batch are unusable fails that query alone, not the others batched with it', async () => {
  const only = await serve(frontendSpec({ task: 'TABULAR_CLASSIFICATION', trials: [centroid.trial] }));
  try {
    // One request's queries are one batch. float32 holds 3e38, but not once standardised: the template's probabilities for it are NaN.
    const { status, body } = await post(only.port, '/predict', { queries: [IRIS_QUERIES[0], [3e38, 3.5, 1.4, 0.2]] });
    expect([status, body.error.message]).toEqual([500, expect.stringContaining('the model failed on query 1: ')]);
  } finally {
    await only.stop();
  }
});

test('regression: values of the trials averaged', async () => {
  const a = await trainTabular(dir.path, { id: 'ridge-a', file: 'diabetes.csv', className: 'RidgeRegression', knobs: { alpha: 0.01 } });
  const b = await trainTabular(dir.path, { id: 'ridge-b', file: 'diabetes.csv', className: 'RidgeRegression', knobs: { alpha: 100 } });
  const served = await serve(frontendSpec({ task: 'TABULAR_REGRESSION', trials: [a.trial, b.trial] }));
  try {
    const query = { age: 59, sex: 2, bmi: 32.1, bp: 101, s1: 157, s2: 93.2, s3: 38, s4: 4, s5: 4.8598, s6: 87 };
    const { status, body } = await post(served.port, '/predict', { query });
    expect(status).toBe(200);
    const [[pa], [pb]] = await Promise.all([a.predict([query]), b.predict([query])]) as [number[], number[]];
    expect(body.prediction).toBeCloseTo((pa! + pb!) / 2, 2);
    expect(Object.keys(body)).toEqual(['prediction']);
    const batch = await post(served.port, '/predict', { queries: [query, query] });
    expect(Object.keys(batch.body)).toEqual(['predictions']);
    const v2 = await post(served.port, '/v2/models/app/infer', { inputs: [{ name: 'x', shape: [1, 10], datatype: 'FP32', data: Object.values(query) }] });
    expect(v2.body.outputs.map((o: { name: string }) => o.name)).toEqual(['predictions']);
  } finally {
    await served.stop();
  }
});

test('TLS: h2 and HTTP/1.1 chosen by ALPN on one port', async () => {
  const certPath = join(dir.path, 'cert.pem');
  const keyPath = join(dir.path, 'key.pem');
  const openssl = Bun.spawn(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=localhost'], { stdout: 'ignore', stderr: 'ignore' });
  expect(await openssl.exited).toBe(0);
  const secure = await serve(frontendSpec({ task: 'TABULAR_CLASSIFICATION', trials: [softmax.trial], tls: { certPath, keyPath } }));
  try {
    const expected = await softmax.predict([IRIS_QUERIES[0]]) as number[][];
    const response = await fetch(`https://localhost:${secure.port}/predict`, {
      method: 'POST', body: JSON.stringify({ query: IRIS_QUERIES[0] }), headers: { authorization: `Bearer ${OWNER_TOKEN}` }, tls: { ca: await Bun.file(certPath).text() },
    } as RequestInit);
    expect(response.status).toBe(200);
    expectClose([(await response.json() as { prediction: number[] }).prediction], expected);
    const client = h2Client(`https://localhost:${secure.port}`, { ca: await Bun.file(certPath).text() });
    try {
      const { status, body } = await client.request('POST', '/predict', { query: IRIS_QUERIES[0] });
      expect(status).toBe(200);
      expectClose([body.prediction], expected);
    } finally {
      client.close();
    }
  } finally {
    await secure.stop();
  }
});

test('stopping answers what is in flight, then refuses with 503 and ends the workers', async () => {
  const served = await serve(frontendSpec({ task: 'TABULAR_CLASSIFICATION', trials: [softmax.trial] }));
  const pids = served.stats().workers.map((w) => w.pid!);
  const inFlight = Array.from({ length: 200 }, () => post(served.port, '/predict', { query: IRIS_QUERIES[0] }));
  while (served.stats().inFlight === 0) await Bun.sleep(0);
  const stopped = served.stop();
  const late = await post(served.port, '/predict', { query: IRIS_QUERIES[0] });
  const statuses = (await Promise.all(inFlight)).map((r) => r.status);
  // Each was either accepted before the stop, and answered, or refused after it.
  expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
  expect(statuses).toContain(200);
  expect(late.status).toBe(503);
  await stopped;
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
});
