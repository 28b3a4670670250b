/**
 * The Admin's bad-input corpus: derived from the OpenAPI document the Admin
 * serves (every route and method), sent as the superadmin, as a model
 * developer and anonymously, on every store backend. No answer is a 5xx or a
 * status the document does not list for its route, every error is
 * `{"error": {"code", "message"}}` with its code's status, and every 400 names
 * the field it is about.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { generateKeyPair } from 'jose';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '../../src/client/index.ts';
import { startTestAdmin, type TestAdmin } from '../support/admin.ts';
import { backendNames } from '../support/databases.ts';
import { TEST_KEYS, testToken } from '../support/tokens.ts';
import { authCases, casesOf, type Case } from './corpus.ts';
import { operationsOf, type OpenApiPaths, type Upload } from './operations.ts';
import { http1, problems, sendAll, summary, type Result } from './send.ts';

setDefaultTimeout(300_000);

const FIXTURES = join(import.meta.dir, '../fixtures');
const TEMPLATE = readFileSync(join(FIXTURES, 'templates/tiny-centroid.ts'));
const CSV = new TextEncoder().encode(readFileSync(join(FIXTURES, 'iris.csv'), 'utf8').split('\n').filter((_, i) => i % 10 === 0).join('\n'));

/** A valid file for each upload's file fields, and the class the template exports. */
const UPLOADS: Record<string, Upload> = {
  'POST /models': { files: { model_file_bytes: TEMPLATE }, examples: { model_class: 'TinyCentroid' } },
  'POST /datasets': { files: { dataset: CSV } },
};

for (const backendName of backendNames) {
  describe(`the Admin's bad-input corpus on ${backendName}`, () => {
    let t: TestAdmin;
    let developer: Client;
    let cases: Case[];
    let anonymous: Case[];
    let document: OpenApiPaths;

    beforeAll(async () => {
      // The tests' own signing key, so that the corpus can bring expired tokens and ones of users that do not exist.
      t = await startTestAdmin(backendName, { RAFIKI_JWT_PRIVATE_KEY: TEST_KEYS.privateKeyPem });
      await t.superadmin.createUser({ email: 'developer@rafiki', password: 'a-password-1', userType: 'MODEL_DEVELOPER' });
      developer = new Client({ adminUrl: t.admin.url });
      await developer.login('developer@rafiki', 'a-password-1');
      document = await (await fetch(`${t.admin.url}/openapi/json`)).json() as OpenApiPaths;
      const operations = operationsOf(document, UPLOADS);
      console.log(`${operations.length} operations in the OpenAPI document`);
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

    test('sent as the superadmin, a model developer and anonymously: no 5xx, every error in the one shape, every 400 names its field, every status documented', async () => {
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
      // Every status a route answered is one its OpenAPI document lists for it (a bare 431 comes from Bun, before any route).
      const undocumented = new Map<string, string>();
      for (const { case: c, answer } of results) {
        if (!('status' in answer) || c.headTooLarge) continue;
        const [method, path] = c.operation.split(' ') as [string, string];
        const key = `${c.operation} ${answer.status}`;
        if (!document.paths[path]?.[method.toLowerCase()]?.responses?.[String(answer.status)] && !undocumented.has(key)) undocumented.set(key, `${key}, e.g. to ${c.what}`);
      }
      expect([...undocumented.values()]).toEqual([]);
    });
  });
}
