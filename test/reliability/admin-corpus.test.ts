/**
 * The Admin's bad-input corpus: derived from the OpenAPI document the Admin
 * serves (every route and method), sent as the superadmin, as a model
 * developer and anonymously, on every store backend. No answer is a 5xx, every
 * error is `{"error": {"code", "message"}}` with its code's status, and every
 * 400 names the field it is about.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { generateKeyPair } from 'jose';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateDatasetForm } from '../../src/admin/schemas/datasets.ts';
import { CreateInferenceJobBody, PredictBody } from '../../src/admin/schemas/inference-jobs.ts';
import { CreateModelForm } from '../../src/admin/schemas/models.ts';
import { CreateTrainJobBody } from '../../src/admin/schemas/train-jobs.ts';
import { BanUserBody, CreateUserBody, LoginBody } from '../../src/admin/schemas/users.ts';
import { Client } from '../../src/client/index.ts';
import { startTestAdmin, type TestAdmin } from '../support/admin.ts';
import { backendNames } from '../support/databases.ts';
import { TEST_KEYS, testToken } from '../support/tokens.ts';
import { authCases, casesOf, type Case } from './corpus.ts';
import { operationsOf, plainSchema, type Body } from './operations.ts';
import { http1, problems, sendAll, summary, type Result } from './send.ts';

setDefaultTimeout(300_000);

const FIXTURES = join(import.meta.dir, '../fixtures');
const TEMPLATE = readFileSync(join(FIXTURES, 'templates/tiny-centroid.ts'));
const CSV = new TextEncoder().encode(readFileSync(join(FIXTURES, 'iris.csv'), 'utf8').split('\n').filter((_, i) => i % 10 === 0).join('\n'));

/**
 * Body schemas for the routes whose OpenAPI document has none (its JSON
 * bodies come out empty, and the multipart uploads are read by the routes
 * themselves): the routes' own TypeBox schemas, exported from src/admin/schemas.
 */
const STAND_INS: Record<string, Body> = {
  'POST /tokens': { encoding: 'json', schema: plainSchema(LoginBody) },
  'POST /users': { encoding: 'json', schema: plainSchema(CreateUserBody) },
  'DELETE /users': { encoding: 'json', schema: plainSchema(BanUserBody) },
  'POST /train_jobs': { encoding: 'json', schema: plainSchema(CreateTrainJobBody) },
  'POST /inference_jobs': { encoding: 'json', schema: plainSchema(CreateInferenceJobBody) },
  'POST /inference_jobs/{app}/{app_version}/predict': { encoding: 'json', schema: plainSchema(PredictBody) },
  'POST /predictors/{id}/predict': { encoding: 'json', schema: plainSchema(PredictBody) },
  'POST /models': { encoding: 'multipart', schema: plainSchema(CreateModelForm), files: { model_file_bytes: TEMPLATE }, examples: { model_class: 'TinyCentroid' } },
  'POST /datasets': { encoding: 'multipart', schema: plainSchema(CreateDatasetForm), files: { dataset: CSV } },
};

for (const backendName of backendNames) {
  describe(`the Admin's bad-input corpus on ${backendName}`, () => {
    let t: TestAdmin;
    let developer: Client;
    let cases: Case[];
    let anonymous: Case[];

    beforeAll(async () => {
      // The tests' own signing key, so that the corpus can bring expired tokens and ones of users that do not exist.
      t = await startTestAdmin(backendName, { RAFIKI_JWT_PRIVATE_KEY: TEST_KEYS.privateKeyPem });
      await t.superadmin.createUser({ email: 'developer@rafiki', password: 'a-password-1', userType: 'MODEL_DEVELOPER' });
      developer = new Client({ adminUrl: t.admin.url });
      await developer.login('developer@rafiki', 'a-password-1');
      const document = await (await fetch(`${t.admin.url}/openapi/json`)).json();
      const { operations, lacking } = operationsOf(document, STAND_INS);
      console.log(`${operations.length} operations in the OpenAPI document; body schemas from the routes' TypeBox schemas for ${lacking.join(', ')}`);
      cases = operations.flatMap(casesOf);
      const { privateKey: otherKey } = await generateKeyPair('EdDSA');
      const tokens = {
        'an expired token': await testToken(crypto.randomUUID(), 'SUPERADMIN', { expiresAt: Math.floor(Date.now() / 1000) - 60 }),
        'a token signed with another key': await testToken(crypto.randomUUID(), 'SUPERADMIN', { privateKey: otherKey as CryptoKey }),
        'a token of no user': await testToken(crypto.randomUUID(), 'SUPERADMIN'),
        'a token whose subject is no user id': await testToken('corpus', 'SUPERADMIN'),
      };
      anonymous = [...cases, ...operations.flatMap((op) => authCases(op, tokens))];
    });
    afterAll(async () => {
      developer?.close();
      await t?.dispose();
    });

    test('sent as the superadmin, a model developer and anonymously: no 5xx, every error in the one shape, every 400 names its field', async () => {
      const transport = http1(t.admin.url);
      const results: Result[] = [];
      for (const [as, client, sent] of [['the superadmin', t.superadmin, cases], ['a model developer', developer, cases], ['anonymous', null, anonymous]] as const) {
        const started = performance.now();
        const these = await sendAll(sent, transport, { as, ...(client ? { authorization: `Bearer ${client.token}` } : {}) });
        console.log(`${as}: ${summary(these)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        results.push(...these);
      }
      console.log(`in all: ${summary(results)}`);
      // Refused uploads leave nothing behind.
      expect({ problems: problems(results), staged: readdirSync(join(t.backend.dataDir, 'datasets/staging')) }).toEqual({ problems: [], staged: [] });
    });
  });
}
