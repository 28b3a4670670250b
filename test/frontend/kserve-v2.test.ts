// The KServe v2 / Open Inference Protocol endpoints over HTTP/2 and HTTP/1.1,
// and every kind of bad request answered 4xx with a message.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningFrontend } from '../../src/frontend/frontend.ts';
import { frontendSpec, get, h2Client, imageTrial, IRIS_QUERIES, OWNER_TOKEN, post, serve, tempDir, trainTabular, type Trained } from './support.ts';

setDefaultTimeout(60_000);

const dir = tempDir();
let softmax: Trained;
let iris: RunningFrontend;
let images: RunningFrontend;

beforeAll(async () => {
  softmax = await trainTabular(dir.path, { id: 'softmax', file: 'iris.csv', className: 'SoftmaxRegression', knobs: { optimizer: 'adam', learningRate: 0.05, weightDecay: 1e-4, batchSize: 16, epochs: 20 } });
  [iris, images] = await Promise.all([
    serve(frontendSpec({ task: 'TABULAR_CLASSIFICATION', app: 'iris', appVersion: 3, trials: [softmax.trial], maxBodyBytes: 64 * 1024 })),
    serve(frontendSpec({ task: 'IMAGE_CLASSIFICATION', app: 'pets', trials: [await imageTrial(dir.path, 'pixels')] })),
  ]);
});

afterAll(async () => {
  await Promise.all([iris?.stop(), images?.stop()]);
  dir.remove();
});

describe('health and metadata', () => {
  test('live, ready, model metadata with the column names, model ready', async () => {
    expect(await get(iris.port, '/v2/health/live')).toMatchObject({ status: 200, body: { live: true } });
    expect(await get(iris.port, '/v2/health/ready')).toMatchObject({ status: 200, body: { ready: true } });
    const { status, body } = await get(iris.port, '/v2/models/iris');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      name: 'iris', versions: ['3'],
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4], parameters: { columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] } }],
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 3], parameters: { classes: softmax.trial.classes } },
        { name: 'labels', datatype: 'BYTES', shape: [-1], parameters: { classes: softmax.trial.classes } },
      ],
    });
    expect(await get(iris.port, '/v2/models/iris/versions/3/ready')).toMatchObject({ status: 200, body: { name: 'iris', ready: true } });
  });

  test('image models list [-1, H, W] for grey images', async () => {
    const { body } = await get(images.port, '/v2/models/pets');
    expect(body.inputs[0].shape).toEqual([-1, 8, 8]);
    expect(body.outputs[0].shape).toEqual([-1, 3]);
  });
});

describe('infer', () => {
  test('[N, 4] FP32 over h2c → [N, classes] probabilities equal to the trial\'s, with the id echoed', async () => {
    const rows = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]];
    const client = h2Client(`http://127.0.0.1:${iris.port}`);
    try {
      const { status, body } = await client.request('POST', '/v2/models/iris/infer', { id: 'r-1', inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: rows.flat() }] });
      expect(status).toBe(200);
      expect(body).toMatchObject({ model_name: 'iris', model_version: '3', id: 'r-1' });
      expect(body.outputs[0]).toMatchObject({ name: 'probabilities', shape: [2, 3], datatype: 'FP32' });
      const expected = (await softmax.predict(rows) as number[][]).flat();
      (body.outputs[0].data as number[]).forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-4));
      expect(body.outputs[1]).toEqual({ name: 'labels', shape: [2], datatype: 'BYTES', data: ['setosa', 'virginica'] });
    } finally {
      client.close();
    }
  });

  test('a request\'s outputs pick among probabilities and labels; an unknown one is a 400 naming the outputs', async () => {
    const inputs = [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }];
    const labels = await post(iris.port, '/v2/models/iris/infer', { inputs, outputs: [{ name: 'labels' }] });
    expect(labels.body.outputs).toEqual([{ name: 'labels', shape: [1], datatype: 'BYTES', data: ['setosa'] }]);
    const unknown = await post(iris.port, '/v2/models/iris/infer', { inputs, outputs: [{ name: 'labels' }, { name: 'scores' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('outputs[1].name is "scores"; this model\'s outputs are probabilities, labels');
  });

  test('numeric Rafiki queries (the fast path) are labelled too', async () => {
    const { body } = await post(iris.port, '/predict', { queries: [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]] });
    expect(body.labels).toEqual(['setosa', 'virginica']);
    expect(body.label_probabilities).toEqual(body.predictions.map((p: number[]) => Math.max(...p)));
    const one = await post(iris.port, '/predict', { query: [6.7, 3.0, 5.2, 2.3] });
    expect([one.body.label, one.body.label_probability]).toEqual(['virginica', Math.max(...one.body.prediction)]);
  });

  test('images as UINT8 [N, H, W] and FP32 [N, H, W, 1] give the same answer', async () => {
    const pixels = Array.from({ length: 64 }, (_, i) => (i * 37) % 256);
    const grey = await post(images.port, '/v2/models/pets/infer', { inputs: [{ name: 'x', shape: [1, 8, 8], datatype: 'UINT8', data: pixels }] });
    const channel = await post(images.port, '/v2/models/pets/infer', { inputs: [{ name: 'x', shape: [1, 8, 8, 1], datatype: 'FP32', data: pixels }] });
    expect(grey.status).toBe(200);
    expect(grey.body.outputs[0].shape).toEqual([1, 3]);
    expect(channel.body.outputs[0].data).toEqual(grey.body.outputs[0].data);
    const rafiki = await post(images.port, '/predict', { query: Array.from({ length: 8 }, (_, y) => pixels.slice(y * 8, y * 8 + 8)) });
    expect(rafiki.body.prediction).toEqual(grey.body.outputs[0].data);
  });
});

test('a text feature: labels in Rafiki queries and v2 BYTES, category indices in numeric v2 tensors', async () => {
  const csv = join(dir.path, 'shapes.csv');
  const rows = Array.from({ length: 60 }, (_, i) => {
    const colour = ['blue', 'green', 'red'][i % 3]!;
    return `${(i % 7) + 1},${colour},${colour === 'red' ? 'hot' : 'cold'}`;
  });
  writeFileSync(csv, ['size,colour,kind', ...rows].join('\n'));
  const model = await trainTabular(dir.path, { id: 'shapes', file: csv, className: 'SoftmaxRegression', knobs: { optimizer: 'adam', learningRate: 0.1, weightDecay: 1e-4, batchSize: 16, epochs: 30 } });
  const served = await serve(frontendSpec({ task: 'TABULAR_CLASSIFICATION', app: 'shapes', trials: [model.trial] }));
  try {
    const { body: metadata } = await get(served.port, '/v2/models/shapes');
    expect(metadata.inputs[0].parameters).toEqual({ columns: ['size', 'colour'], categories: { colour: ['blue', 'green', 'red'] } });
    const expected = await model.predict([{ size: 3, colour: 'red' }, { size: 3, colour: 'blue' }]) as number[][];
    const rafiki = await post(served.port, '/predict', { queries: [{ size: 3, colour: 'red' }, [3, 'blue']] });
    const byIndex = await post(served.port, '/v2/models/shapes/infer', { inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP32', data: [3, 2, 3, 0] }] });
    const byLabel = await post(served.port, '/v2/models/shapes/infer', { inputs: [{ name: 'x', shape: [2, 2], datatype: 'BYTES', data: ['3', 'red', '3', 'blue'] }] });
    for (const got of [rafiki.body.predictions.flat(), byIndex.body.outputs[0].data, byLabel.body.outputs[0].data] as number[][]) {
      got.forEach((v, i) => expect(Math.abs(v - expected.flat()[i]!)).toBeLessThan(1e-4));
    }
  } finally {
    await served.stop();
  }
});

describe('every bad input is a 4xx with a message', () => {
  const cases: [string, string, unknown, number, string][] = [
    ['POST', '/predict', '{"query": [1, 2', 400, 'must be JSON'],
    ['POST', '/predict', [1, 2], 400, 'must be a JSON object'],
    ['POST', '/predict', { nothing: 1 }, 400, 'either "query"'],
    ['POST', '/predict', { queries: 'many' }, 400, '"queries" must be an array'],
    ['POST', '/predict', { query: [1, 2, 3] }, 400, 'query 0: has 3 values but the model takes 4 features'],
    ['POST', '/predict', { query: { petal: 1 } }, 400, 'unknown feature "petal"'],
    ['POST', '/predict', { query: IRIS_QUERIES[0], deadline_ms: -5 }, 400, 'deadline_ms must be'],
    ['POST', '/v2/models/iris/infer', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] }, 400, 'must have shape [N, 4]'],
    ['POST', '/v2/models/iris/infer', { inputs: [{ name: 'x', shape: [1, 4], datatype: 'STRING', data: [1, 2, 3, 4] }] }, 400, 'must be one of'],
    ['POST', '/v2/models/nope/infer', { inputs: [] }, 404, 'no model "nope"'],
    ['GET', '/v2/models/iris/versions/9', undefined, 404, 'no version "9"'],
    ['GET', '/predict', undefined, 405, 'takes POST'],
    ['GET', '/nowhere', undefined, 404, 'there is no /nowhere'],
    ['POST', '/predict', { queries: Array.from({ length: 6000 }, () => IRIS_QUERIES[1]) }, 413, 'larger than the limit of 65536 bytes'],
  ];
  for (const [method, path, body, status, message] of cases) {
    test(`${method} ${path} ${JSON.stringify(body)?.slice(0, 40) ?? ''} → ${status}`, async () => {
      const response = await fetch(`http://127.0.0.1:${iris.port}${path}`, { method, headers: { authorization: `Bearer ${OWNER_TOKEN}` }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
      expect(response.status).toBe(status);
      // Rafiki's routes answer the Admin's error shape; the v2 routes KServe's plain string.
      const { error } = (await response.json()) as { error: string | { code: string; message: string } };
      if (path.startsWith('/v2/')) expect(error).toBeString();
      else expect(error).toMatchObject({ code: expect.any(String) });
      expect(typeof error === 'string' ? error : error.message).toContain(message);
    });
  }

  test('over HTTP/2 too, the limit and the errors hold', async () => {
    const client = h2Client(`http://127.0.0.1:${iris.port}`);
    try {
      const big = await client.request('POST', '/predict', { queries: Array.from({ length: 6000 }, () => IRIS_QUERIES[1]) });
      expect(big.status).toBe(413);
      const bad = await client.request('POST', '/v2/models/iris/infer', { inputs: [{ name: 'x', shape: [2, 4], datatype: 'FP32', data: [1] }] });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toContain('holds 8 values');
    } finally {
      client.close();
    }
  });
});
