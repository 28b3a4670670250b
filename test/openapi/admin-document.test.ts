/**
 * The Admin's OpenAPI document at /openapi/json: valid OpenAPI 3.1; a body
 * schema on every route that reads one (JSON or multipart), the error shape
 * on every error response, the bearer scheme where a token is needed, an
 * example per route that fits its own schema; and real requests and answers
 * of a running Admin checked by a validator built from the document alone.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { operationKey, openApiPath } from '../../src/admin/openapi/document.ts';
import { OPERATIONS } from '../../src/admin/openapi/operations.ts';
import { Client } from '../../src/client/index.ts';
import { startTestAdmin, SUPERADMIN, type TestAdmin } from '../support/admin.ts';
import { compileGenerated } from './generated-types.ts';
import { documentValidator, exampleProblems, openApiErrors, resolveResponse, type Document } from './document-validator.ts';

setDefaultTimeout(60_000);

const CSV = readFileSync(join(import.meta.dir, '../fixtures/iris.csv'));

/** The routes that read a body, and how. */
const BODIES: Record<string, string> = {
  'POST /tokens': 'application/json',
  'POST /users': 'application/json',
  'DELETE /users': 'application/json',
  'POST /models': 'multipart/form-data',
  'POST /datasets': 'multipart/form-data',
  'POST /train_jobs': 'application/json',
  'POST /inference_jobs': 'application/json',
  'POST /inference_jobs/{app}/{app_version}/predict': 'application/json',
  'POST /predictors/{id}/predict': 'application/json',
};
/** The routes anyone may call. */
const OPEN = new Set(['GET /health', 'POST /tokens']);

describe("the Admin's OpenAPI document", () => {
  let t: TestAdmin;
  let doc: Document;
  let operations: [string, Document['paths'][string][string]][];

  beforeAll(async () => {
    t = await startTestAdmin('embedded');
    doc = await (await fetch(`${t.admin.url}/openapi/json`)).json() as Document;
    operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => [operationKey(method, path), op] as [string, typeof op]));
  });
  afterAll(() => t?.dispose());

  test('is valid OpenAPI 3.1', async () => {
    expect(doc.openapi).toStartWith('3.1');
    expect(await openApiErrors(doc)).toEqual([]);
  });

  test("names each operation as the SDK names its method, so that a generated client reads like the SDK", () => {
    const ids = operations.map(([, op]) => (op as { operationId: string }).operationId);
    // Lists of one app are getTrainJobs({ app }) and getInferenceJobs({ app }) in the SDK.
    expect(ids.filter((id) => !(id in Client.prototype)).sort()).toEqual(['getHealth', 'getInferenceJobsOfApp', 'getTrainJobsOfApp']);
  });

  test('has a body schema on exactly the routes that read one, in the media type they read', () => {
    const bodies = Object.fromEntries(operations.filter(([, op]) => op.requestBody).map(([key, op]) => [key, Object.keys(op.requestBody!.content).join(', ')]));
    expect(bodies).toEqual(BODIES);
    for (const [key, op] of operations.filter(([, op]) => op.requestBody)) {
      const schema = Object.values(op.requestBody!.content)[0]!.schema as { properties?: object };
      expect({ key, properties: Object.keys(schema.properties ?? {}).length > 0 }).toEqual({ key, properties: true });
    }
    const upload = doc.paths['/models']!.post!.requestBody!.content['multipart/form-data']!.schema as { properties: Record<string, { format?: string }>; required: string[] };
    expect(upload.properties.model_file_bytes!.format).toBe('binary');
    expect(upload.required).toEqual(expect.arrayContaining(['name', 'task', 'model_class', 'model_file_bytes']));
  });

  test('answers every error in the one shape, and each route the errors of its guard and its input', () => {
    for (const [key, op] of operations) {
      const statuses = Object.keys(op.responses).map(Number);
      const expected = [500];
      if (!OPEN.has(key)) expected.push(401, 403);
      if (op.requestBody) expected.push(400, 413);
      if (op.parameters?.length) expected.push(400);
      expect({ key, missing: expected.filter((s) => !statuses.includes(s)) }).toEqual({ key, missing: [] });
      for (const status of statuses.filter((s) => s >= 400 && !(key === 'GET /health' && s === 503))) {
        const schema = resolveResponse(doc, op.responses[status]!).content?.['application/json']?.schema;
        expect({ key, status, schema }).toEqual({ key, status, schema: { $ref: '#/components/schemas/Error' } });
      }
    }
    expect(doc.components.schemas!.Error).toMatchObject({ properties: { error: { required: ['code', 'message'] } } });
  });

  test('declares the bearer scheme, on every route but the open ones', () => {
    expect(doc.components.securitySchemes!.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [key, op] of operations) expect({ key, security: op.security }).toEqual({ key, security: OPEN.has(key) ? undefined : [{ bearer: [] }] });
  });

  test('has an example per route, of a request and of its answer, each fitting its schema', () => {
    expect(Object.keys(OPERATIONS).sort()).toEqual(operations.map(([key]) => key).sort());
    for (const [key, op] of operations) {
      const examples = [op.responses['200'], op.requestBody].map((part) => part && Object.values(part.content!)[0]!.example !== undefined);
      expect({ key, examples }).toEqual({ key, examples: [true, op.requestBody ? true : undefined] });
    }
    expect(exampleProblems(doc)).toEqual([]);
  });

  test('fed to a generic client generator (openapi-typescript), gives types that compile and take the API\'s shapes', async () => {
    const usage = `
      import type { components, operations, paths } from './api.ts';
      type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
      export const login: Json<paths['/tokens']['post']['requestBody']> = { email: 'dev@example.com', password: 'a long password' };
      export const user: Json<operations['createUser']['requestBody']> = { email: 'dev@example.com', password: 'a long password', user_type: 'APP_DEVELOPER' };
      // @ts-expect-error: a user type the API does not have
      export const wizard: Json<operations['createUser']['requestBody']> = { email: 'dev@example.com', password: 'a long password', user_type: 'WIZARD' };
      export const upload: NonNullable<operations['createModel']['requestBody']>['content']['multipart/form-data'] = { name: 'knn', task: 'TABULAR_CLASSIFICATION', model_class: 'Knn', model_file_bytes: 'bytes' };
      export const status: Json<operations['getTrainJob']['responses'][200]>['status'] = 'RUNNING';
      export const error: components['schemas']['Error'] = { error: { code: 'NOT_FOUND', message: 'no train job of app iris' } };
      // @ts-expect-error: an error code not in the table
      export const unknownCode: components['schemas']['Error'] = { error: { code: 'TEAPOT', message: '' } };
      export const refused: Json<operations['createTrainJob']['responses'][409]> = error;
    `;
    expect(await compileGenerated(doc, usage)).toBe('');
  });

  test('real requests and answers fit the validator built from the document', async () => {
    const validator = documentValidator(doc);
    const call = async (method: string, path: string, body?: unknown, token?: string) => {
      const response = await fetch(t.admin.url + path, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: await response.json() as unknown };
    };
    const fits = (validate: ReturnType<typeof validator.request>, value: unknown) => (validate(value) ? null : validate.errors);

    const login = { email: SUPERADMIN.email, password: SUPERADMIN.password };
    expect(fits(validator.request('post', '/tokens'), login)).toBeNull();
    const token = await call('POST', '/tokens', login);
    expect({ status: token.status, errors: fits(validator.response('post', '/tokens', 200), token.body) }).toEqual({ status: 200, errors: null });
    const bearer = (token.body as { token: string }).token;

    const wrong = await call('POST', '/tokens', { ...login, password: 'not the password' });
    expect({ status: wrong.status, errors: fits(validator.response('post', '/tokens', 401), wrong.body) }).toEqual({ status: 401, errors: null });

    const user = { email: 'openapi@example.com', password: 'a long password', user_type: 'MODEL_DEVELOPER' };
    expect(fits(validator.request('post', '/users'), user)).toBeNull();
    const created = await call('POST', '/users', user, bearer);
    expect({ status: created.status, errors: fits(validator.response('post', '/users', 200), created.body) }).toEqual({ status: 200, errors: null });
    const again = await call('POST', '/users', user, bearer);
    expect({ status: again.status, errors: fits(validator.response('post', '/users', 409), again.body) }).toEqual({ status: 409, errors: null });

    // What the document's schema refuses, the Admin refuses too, in the documented shape.
    for (const bad of [{ ...user, email: 'no-at-sign' }, { ...user, user_type: 'WIZARD' }, { ...user, extra: 1 }, { email: user.email }]) {
      expect(validator.request('post', '/users')(bad)).toBe(false);
      const refused = await call('POST', '/users', bad, bearer);
      expect({ status: refused.status, errors: fits(validator.response('post', '/users', 400), refused.body) }).toEqual({ status: 400, errors: null });
    }

    const users = await call('GET', '/users', undefined, bearer);
    expect({ status: users.status, errors: fits(validator.response('get', '/users', 200), users.body) }).toEqual({ status: 200, errors: null });
    const anonymous = await call('GET', '/users');
    expect({ status: anonymous.status, errors: fits(validator.response('get', '/users', 401), anonymous.body) }).toEqual({ status: 401, errors: null });

    const form = new FormData();
    form.set('name', 'iris');
    form.set('task', 'TABULAR_CLASSIFICATION');
    form.set('dataset', new Blob([CSV]), 'iris.csv');
    expect(fits(validator.request('post', '/datasets', 'multipart/form-data'), { name: 'iris', task: 'TABULAR_CLASSIFICATION', dataset: 'bytes' })).toBeNull();
    const uploaded = await fetch(`${t.admin.url}/datasets`, { method: 'POST', body: form, headers: { authorization: `Bearer ${bearer}` } });
    const dataset = await uploaded.json() as { id: string };
    expect({ status: uploaded.status, errors: fits(validator.response('post', '/datasets', 200), dataset) }).toEqual({ status: 200, errors: null });
    const missing = await call('GET', `/datasets/${crypto.randomUUID()}`, undefined, bearer);
    expect({ status: missing.status, errors: fits(validator.response('get', openApiPath('/datasets/:id'), 404), missing.body) }).toEqual({ status: 404, errors: null });
    const health = await call('GET', '/health');
    expect({ status: health.status, errors: fits(validator.response('get', '/health', 200), health.body) }).toEqual({ status: 200, errors: null });
  });
});
