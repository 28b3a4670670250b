/**
 * The query frontend's OpenAPI document at /openapi.json: valid OpenAPI 3.1,
 * its examples fit its schemas for tabular and image models, and a running
 * frontend's answers to the document's own examples fit the document.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { RunningFrontend } from '../../src/frontend/frontend.ts';
import { frontendDocument } from '../../src/frontend/openapi.ts';
import { frontendSpec, get, post, serve, tempDir, trainTabular, type Trained } from '../frontend/support.ts';
import { compileGenerated } from './generated-types.ts';
import { documentValidator, exampleProblems, openApiErrors, type Document } from './document-validator.ts';

setDefaultTimeout(60_000);

describe("the frontend's OpenAPI document", () => {
  test('is valid, with examples that fit its schemas, for tabular, image and regression models', async () => {
    const models = [
      { app: 'iris', appVersion: 2, task: 'TABULAR_CLASSIFICATION' as const, input: { kind: 'tabular' as const, columns: [{ name: 'a' }, { name: 'b', categories: ['x', 'y'] }] }, classes: ['setosa', 'virginica'], defaultDeadlineMs: 1000 },
      { app: 'pets', appVersion: 1, task: 'IMAGE_CLASSIFICATION' as const, input: { kind: 'image' as const, height: 4, width: 3, channels: 3 as const }, classes: ['cat', 'dog'], defaultDeadlineMs: 1000 },
      { app: 'prices', appVersion: 7, task: 'TABULAR_REGRESSION' as const, input: null, classes: [], defaultDeadlineMs: 1000 },
    ];
    for (const model of models) {
      const doc = frontendDocument(model as Parameters<typeof frontendDocument>[0]) as unknown as Document;
      expect({ app: model.app, errors: await openApiErrors(doc) }).toEqual({ app: model.app, errors: [] });
      expect(exampleProblems(doc)).toEqual([]);
    }
  });
});

describe("the frontend's OpenAPI document fed to a generic client generator (openapi-typescript)", () => {
  test('gives types that compile and take the wire\'s shapes', async () => {
    const doc = frontendDocument({ app: 'iris', appVersion: 2, task: 'TABULAR_CLASSIFICATION', input: null, classes: ['a', 'b'], defaultDeadlineMs: 1000 });
    const usage = `
      import type { components, operations } from './api.ts';
      type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
      export const one: Json<operations['predict']['requestBody']> = { query: [5.1, 3.5, 1.4, 0.2], deadline_ms: 500 };
      export const many: Json<operations['predict']['requestBody']> = { queries: [[5.1, 3.5, 1.4, 0.2]] };
      // @ts-expect-error: a deadline is a number of milliseconds
      export const late: Json<operations['predict']['requestBody']> = { query: [1], deadline_ms: 'soon' };
      export const infer: Json<operations['modelInfer']['requestBody']> = { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] };
      export const ready: Json<operations['modelReady']['responses'][503]> = { name: 'iris', ready: false };
      export const v2Error: components['schemas']['V2Error'] = { error: 'there is no model "x" here' };
      export const error: Json<operations['predict']['responses'][400]> = { error: { code: 'BAD_REQUEST', message: 'deadline_ms must be a number' } };
    `;
    expect(await compileGenerated(doc, usage)).toBe('');
  });
});

describe("a running frontend's answers", () => {
  const dir = tempDir();
  let softmax: Trained;
  let iris: RunningFrontend;
  let doc: Document;

  beforeAll(async () => {
    softmax = await trainTabular(dir.path, { id: 'softmax', file: 'iris.csv', className: 'SoftmaxRegression', knobs: { optimizer: 'adam', learningRate: 0.05, weightDecay: 1e-4, batchSize: 16, epochs: 5 } });
    iris = await serve(frontendSpec({ task: 'TABULAR_CLASSIFICATION', app: 'iris', appVersion: 3, trials: [softmax.trial] }));
    const answer = await get(iris.port, '/openapi.json', null);
    expect(answer.status).toBe(200);
    doc = answer.body as Document;
  });
  afterAll(async () => {
    await iris?.stop();
    dir.remove();
  });

  test('is served without a token, valid', async () => {
    expect(await openApiErrors(doc)).toEqual([]);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/predict', '/v2/models/{name}/infer', '/v2/models/{name}', '/v2/health/ready', '/metrics']));
  });

  test("the document's own examples, sent as they are, get answers that fit it; so do refusals", async () => {
    const validator = documentValidator(doc);
    const fits = (method: string, path: string, status: number, body: unknown) => {
      const validate = validator.response(method, path, status);
      return { path, status, errors: validate(body) ? null : validate.errors };
    };
    const example = (path: string) => doc.paths[path]!.post!.requestBody!.content['application/json']!.example;

    const predicted = await post(iris.port, '/predict', example('/predict'));
    expect(fits('post', '/predict', predicted.status, predicted.body)).toEqual({ path: '/predict', status: 200, errors: null });
    const many = await post(iris.port, '/predict', { queries: [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]] });
    expect(validator.request('post', '/predict')({ queries: [[5.1, 3.5, 1.4, 0.2]] })).toBe(true);
    expect(fits('post', '/predict', many.status, many.body)).toEqual({ path: '/predict', status: 200, errors: null });

    const inferred = await post(iris.port, '/v2/models/iris/infer', example('/v2/models/{name}/infer'));
    expect(fits('post', '/v2/models/{name}/infer', inferred.status, inferred.body)).toEqual({ path: '/v2/models/{name}/infer', status: 200, errors: null });
    const metadata = await get(iris.port, '/v2/models/iris');
    expect(fits('get', '/v2/models/{name}', metadata.status, metadata.body)).toEqual({ path: '/v2/models/{name}', status: 200, errors: null });
    const ready = await get(iris.port, '/v2/health/ready', null);
    expect(fits('get', '/v2/health/ready', ready.status, ready.body)).toEqual({ path: '/v2/health/ready', status: 200, errors: null });

    expect(validator.request('post', '/predict')({ nothing: 1, deadline_ms: 0 })).toBe(false);
    const refused = await post(iris.port, '/predict', { query: [1, 2, 3, 4], deadline_ms: 0 });
    expect(fits('post', '/predict', refused.status, refused.body)).toEqual({ path: '/predict', status: 400, errors: null });
    const anonymous = await post(iris.port, '/predict', example('/predict'), null);
    expect(fits('post', '/predict', anonymous.status, anonymous.body)).toEqual({ path: '/predict', status: 401, errors: null });
    expect(validator.request('post', '/v2/models/{name}/infer')({ inputs: [] })).toBe(false);
    const badTensor = await post(iris.port, '/v2/models/iris/infer', { inputs: [] });
    expect(fits('post', '/v2/models/{name}/infer', badTensor.status, badTensor.body)).toEqual({ path: '/v2/models/{name}/infer', status: 400, errors: null });
    const otherModel = await get(iris.port, '/v2/models/other');
    expect(fits('get', '/v2/models/{name}', otherModel.status, otherModel.body)).toEqual({ path: '/v2/models/{name}', status: 404, errors: null });
  });
});
