/** /tokens and /users over HTTP, on every store backend: the role matrix and every bad input. */
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from 'bun:test';
import { generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { USER_TYPES, type UserType } from '../src/common/domain.ts';
import { Client } from '../src/client/index.ts';
import { backendNames } from './support/databases.ts';
import { startTestAdmin, type TestAdmin } from './support/admin.ts';
import { failure } from './support/errors.ts';
import { sandboxProblem } from './support/services.ts';
import { TEST_KEYS, testToken } from './support/tokens.ts';

// Real servers and subprocesses on 2 busy cores: more than the default 5 s.
setDefaultTimeout(60_000);

const PASSWORD = 'correct horse battery';

for (const backendName of backendNames) {
  describe(`users and tokens on ${backendName}`, () => {
    let t: TestAdmin;
    let url: string;
    /** One logged-in client per role, each a distinct user. */
    const as: Partial<Record<UserType, Client>> = {};
    let counter = 0;

    const newEmail = (prefix: string) => `${prefix.toLowerCase()}-${++counter}@example.com`;

    async function makeUser(userType: UserType): Promise<{ email: string; client: Client }> {
      const email = newEmail(userType);
      await t.superadmin.createUser({ email, password: PASSWORD, userType });
      const client = new Client({ adminUrl: url });
      await client.login(email, PASSWORD);
      return { email, client };
    }

    async function call(method: string, path: string, init: { token?: string | undefined; body?: string; headers?: Record<string, string> } = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
      if (init.token) headers.authorization = `Bearer ${init.token}`;
      const response = await fetch(url + path, { method, headers, body: init.body });
      return { status: response.status, contentType: response.headers.get('content-type'), body: await response.json() as any };
    }


    beforeAll(async () => {
      t = await startTestAdmin(backendName, { RAFIKI_JWT_PRIVATE_KEY: TEST_KEYS.privateKeyPem, RAFIKI_MAX_BODY_KB: '16' });
      url = t.admin.url;
      as.SUPERADMIN = t.superadmin;
      for (const type of USER_TYPES.filter((u) => u !== 'SUPERADMIN')) as[type] = (await makeUser(type)).client;
    });
    afterAll(() => t.dispose());

    test('logging in answers the user and a token in Rafiki 0.2.0\'s shape, as plain application/json', async () => {
      const res = await call('POST', '/tokens', { body: JSON.stringify({ email: 'superadmin@rafiki', password: 'superadmin-password' }) });
      expect(res.status).toBe(200);
      expect(res.contentType).toBe('application/json');
      expect(Object.keys(res.body).sort()).toEqual(['token', 'user_id', 'user_type']);
      expect(res.body.user_type).toBe('SUPERADMIN');
      expect(t.superadmin.getCurrentUser().userType).toBe('SUPERADMIN');
    });

    test('who may create which type of user', async () => {
      const allowed: Record<UserType, readonly UserType[]> = {
        SUPERADMIN: USER_TYPES,
        ADMIN: ['MODEL_DEVELOPER', 'APP_DEVELOPER', 'APP_USER'],
        MODEL_DEVELOPER: [],
        APP_DEVELOPER: [],
        APP_USER: [],
      };
      for (const caller of USER_TYPES) {
        for (const target of USER_TYPES) {
          const attempt = as[caller]!.createUser({ email: newEmail(target), password: PASSWORD, userType: target });
          if (allowed[caller].includes(target)) {
            expect((await attempt).user_type).toBe(target);
          } else {
            expect((await failure(attempt)).status).toBe(403);
          }
        }
      }
      const anonymous = new Client({ adminUrl: url });
      expect((await failure(anonymous.createUser({ email: newEmail('x'), password: PASSWORD, userType: 'APP_USER' }))).status).toBe(401);
    });

    test('only admins list users', async () => {
      for (const caller of USER_TYPES) {
        const attempt = as[caller]!.getUsers();
        if (caller === 'SUPERADMIN' || caller === 'ADMIN') {
          const users = await attempt;
          expect(users.map((u) => u.email)).toContain('superadmin@rafiki');
          expect(Object.keys(users[0]!).sort()).toEqual(['banned_date', 'created_date', 'email', 'id', 'user_type']);
        } else {
          expect((await failure(attempt)).status).toBe(403);
        }
      }
      expect((await call('GET', '/users')).status).toBe(401);
    });

    test('who may ban whom; nobody bans themselves; a ban is final', async () => {
      const allowed: Record<UserType, readonly UserType[]> = {
        SUPERADMIN: ['ADMIN', 'MODEL_DEVELOPER', 'APP_DEVELOPER', 'APP_USER'],
        ADMIN: ['MODEL_DEVELOPER', 'APP_DEVELOPER', 'APP_USER'],
        MODEL_DEVELOPER: [],
        APP_DEVELOPER: [],
        APP_USER: [],
      };
      for (const caller of USER_TYPES) {
        for (const target of USER_TYPES.filter((u) => u !== 'SUPERADMIN')) {
          const victim = newEmail(target);
          await t.superadmin.createUser({ email: victim, password: PASSWORD, userType: target });
          const attempt = as[caller]!.banUser(victim);
          if (allowed[caller].includes(target)) {
            const banned = await attempt;
            expect(banned.email).toBe(victim);
            expect(banned.banned_date).not.toBeNull();
          } else {
            expect((await failure(attempt)).status).toBe(403);
          }
        }
      }
      const self = await failure(t.superadmin.banUser('superadmin@rafiki'));
      expect([self.status, self.message]).toEqual([403, 'you cannot ban yourself']);
      const { email } = await makeUser('APP_USER');
      await t.superadmin.banUser(email);
      expect((await failure(t.superadmin.banUser(email))).status).toBe(409);
      expect((await failure(t.superadmin.banUser('nobody@example.com'))).status).toBe(404);
    });

    test('a banned user cannot log in, and their existing token stops working', async () => {
      const { email, client } = await makeUser('ADMIN');
      expect((await client.getUsers()).length).toBeGreaterThan(0);
      await t.superadmin.banUser(email);
      const stale = await failure(client.getUsers());
      expect([stale.status, stale.message]).toEqual([401, 'this user is banned']);
      // The right password of a banned user is answered as a wrong one: no oracle for passwords.
      const login = await failure(new Client({ adminUrl: url }).login(email, PASSWORD));
      const wrong = await failure(new Client({ adminUrl: url }).login(email, 'not the password'));
      expect([login.status, login.message]).toEqual([401, 'wrong email or password']);
      expect([wrong.status, wrong.message]).toEqual([login.status, login.message]);
    });

    test('wrong credentials and bad tokens are 401 with a reason', async () => {
      expect((await failure(new Client({ adminUrl: url }).login('superadmin@rafiki', 'wrong password'))).message).toBe('wrong email or password');
      expect((await failure(new Client({ adminUrl: url }).login('nobody@example.com', PASSWORD))).status).toBe(401);
      const missing = await call('GET', '/users');
      expect(missing.body.error.message).toContain('missing bearer token');
      const superadminId = t.superadmin.getCurrentUser().id;
      expect((await call('GET', '/users', { token: await testToken(superadminId, 'SUPERADMIN') })).status).toBe(200);
      const invalid = { code: 'UNAUTHORIZED', message: 'invalid token: log in again (POST /tokens)' };
      const forged = await testToken(superadminId, 'SUPERADMIN', { privateKey: (await generateKeyPair('EdDSA')).privateKey });
      expect((await call('GET', '/users', { token: forged })).body.error).toEqual(invalid);
      // The public key as an HS256 secret (the algorithm confusion attack), and a token that never expires.
      const confused = await new SignJWT({ user_type: 'SUPERADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject(superadminId)
        .setExpirationTime('1h').sign(new TextEncoder().encode(TEST_KEYS.publicKeyPem));
      expect((await call('GET', '/users', { token: confused })).body.error).toEqual(invalid);
      const forever = await new SignJWT({ user_type: 'SUPERADMIN' }).setProtectedHeader({ alg: 'EdDSA' }).setSubject(superadminId)
        .sign(await importPKCS8(TEST_KEYS.privateKeyPem, 'EdDSA'));
      expect((await call('GET', '/users', { token: forever })).body.error).toEqual(invalid);
      const expired = await testToken(superadminId, 'SUPERADMIN', { expiresAt: Math.floor(Date.now() / 1000) - 3600 });
      const late = await call('GET', '/users', { token: expired });
      expect([late.status, late.body.error.message]).toEqual([401, 'token expired: log in again (POST /tokens)']);
      expect((await call('GET', '/users', { token: 'not.a.jwt' })).status).toBe(401);
    });

    test('bad bodies are 400 naming the field, duplicates 409, oversized 413, never 500', async () => {
      const token = t.superadmin.token;
      const cases: [string, number, string][] = [
        ['{"email": ', 400, 'not valid JSON'],
        ['[]', 400, 'body must be a JSON object'],
        [JSON.stringify({ password: PASSWORD, user_type: 'APP_USER' }), 400, "'email' is required"],
        [JSON.stringify({ email: 'a@b.c', password: PASSWORD, user_type: 'APP_USER', extra: 1 }), 400, "'extra' is not an accepted field"],
        [JSON.stringify({ email: 42, password: PASSWORD, user_type: 'APP_USER' }), 400, "'email' must be an email address"],
        [JSON.stringify({ email: 'no-at-sign', password: PASSWORD, user_type: 'APP_USER' }), 400, "'email' must be an email address"],
        [JSON.stringify({ email: 'a@b.c', password: PASSWORD }), 400, "'user_type' is required"],
        [JSON.stringify({ email: 'a@b.c', password: PASSWORD, user_type: 'ROOT' }), 400, "'user_type' must be one of \"SUPERADMIN\", \"ADMIN\""],
        [JSON.stringify({ email: 'a@b.c', password: 'short', user_type: 'APP_USER' }), 400, "'password' must be a string of at least 8 characters"],
        [JSON.stringify({ email: 'superadmin@rafiki', password: PASSWORD, user_type: 'APP_USER' }), 409, 'already exists'],
        [JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(20_000), user_type: 'APP_USER' }), 413, 'larger than the limit'],
      ];
      for (const [body, status, message] of cases) {
        const res = await call('POST', '/users', { token, body });
        expect({ body, status: res.status, message: res.body.error?.message }).toEqual({ body, status, message: expect.stringContaining(message) });
      }
      const chunked = await fetch(`${url}/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: new Blob([JSON.stringify({ email: 'a@b.c', password: 'y'.repeat(20_000), user_type: 'APP_USER' })]).stream(),
      });
      expect(chunked.status).toBe(413);
      expect((await call('DELETE', '/users', { token, body: JSON.stringify({}) })).body.error.message).toContain("'email' is required");
      expect((await call('POST', '/tokens', { body: JSON.stringify({ email: 'a@b.c' }) })).status).toBe(400);
      expect((await call('GET', '/no/such/route', { token })).status).toBe(404);
      // Bounded before any work: nesting, NUL characters, integers past what the store holds.
      const bounded: [string, string, { body?: string; token?: string }, string][] = [
        ['POST', '/tokens', { body: `{"email": ${'['.repeat(5000)}${']'.repeat(5000)}}` }, 'nests deeper than 64 levels'],
        ['POST', '/tokens', { body: JSON.stringify({ email: 'a@b.c', password: 'pass\u0000word' }) }, 'body.password must not contain NUL'],
        ['POST', '/users', { token, body: JSON.stringify({ email: 'a\u0000@b.c', password: PASSWORD, user_type: 'APP_USER' }) }, 'body.email must not contain NUL'],
        ['GET', '/train_jobs/a%00b', { token }, 'path.app must not contain NUL'],
        ['GET', '/train_jobs/iris/99999999999999999999', { token }, 'must be an app version (-1 for the latest)'],
        ['GET', '/train_jobs/iris/-2', { token }, "params: 'app_version' must be an app version (-1 for the latest), got \"-2\""],
      ];
      for (const [method, path, options, message] of bounded) {
        const res = await call(method, path, options);
        expect({ path, status: res.status, message: res.body.error?.message }).toEqual({ path, status: 400, message: expect.stringContaining(message) });
      }
    });

    test('ten wrong passwords lock an account for a while: 429 with Retry-After, even for the right password', async () => {
      const { email } = await makeUser('APP_DEVELOPER');
      for (let i = 0; i < 10; i++) expect((await failure(new Client({ adminUrl: url }).login(email, 'not the password'))).status).toBe(401);
      const res = await call('POST', '/tokens', { body: JSON.stringify({ email, password: PASSWORD }) });
      expect([res.status, res.body.error.code]).toEqual([429, 'TOO_MANY_REQUESTS']);
      expect(res.body.error.message).toMatch(/^too many failed logins; try again in \d+ s$/);
      const retryAfter = await fetch(`${url}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
      expect(Number(retryAfter.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await new Client({ adminUrl: url }).login('superadmin@rafiki', 'superadmin-password')).userType).toBe('SUPERADMIN');
    });

    test('a token answer is not to be cached', async () => {
      const res = await fetch(`${url}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'superadmin@rafiki', password: 'superadmin-password' }) });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    test('health reports the store, and the OpenAPI document lists the routes', async () => {
      const health = await call('GET', '/health');
      expect(health.body).toEqual({ status: 'ok', store: { kind: backendName, ok: true }, sandbox: (await sandboxProblem()) === null });
      const doc = await (await fetch(`${url}/openapi/json`)).json() as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/tokens', '/users']));
      expect((await fetch(`${url}/openapi`)).status).toBe(200);
    });
  });
}
