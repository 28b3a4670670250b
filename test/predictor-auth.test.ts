/**
 * Who may query a deployed job, through the Admin and over HTTP: every route but
 * health needs a user's token, checked by the frontend with the Admin's public
 * key; the job's owner, admins and app users may query, other developers not;
 * a ban reaches the running frontend at once; a model's own failure is told in
 * its words to its owner and admins only.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { generateKeyPair, SignJWT } from 'jose';
import { join } from 'node:path';
import { Client } from '../src/client/index.ts';
import type { UserType } from '../src/common/domain.ts';
import { startTestAdmin, type TestAdmin } from './support/admin.ts';
import { bundleTemplate } from './support/services.ts';
import { testToken, TEST_KEYS } from './support/tokens.ts';
import { waitUntil } from './support/wait.ts';

setDefaultTimeout(120_000);

const FIXTURES = join(import.meta.dir, 'fixtures');
const TASK = 'TABULAR_CLASSIFICATION';
const QUERY = [5.1, 3.5, 1.4, 0.2];

describe('predictor authentication', () => {
  let t: TestAdmin;
  const users: Partial<Record<'owner' | 'appUser' | 'otherDev' | 'modelDev', Client>> = {};
  let host: string;

  async function user(name: keyof typeof users, userType: UserType): Promise<Client> {
    const email = `${name}@rafiki`;
    await t.superadmin.createUser({ email, password: 'a-password-1', userType });
    const client = new Client({ adminUrl: t.admin.url });
    await client.login(email, 'a-password-1');
    users[name] = client;
    return client;
  }

  /** POST /predict over HTTP/1.1 with this Authorization header (or none). */
  async function query(authorization: string | null, body: unknown = { query: QUERY }, path = '/predict', method = 'POST') {
    const response = await fetch(`http://${host}${path}`, {
      method, ...(method === 'POST' ? { body: JSON.stringify(body) } : {}),
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    });
    const text = await response.text();
    return { status: response.status, text };
  }

  beforeAll(async () => {
    t = await startTestAdmin('embedded', { RAFIKI_JWT_PRIVATE_KEY: TEST_KEYS.privateKeyPem });
    const owner = await user('owner', 'APP_DEVELOPER');
    await user('appUser', 'APP_USER');
    await user('otherDev', 'APP_DEVELOPER');
    await user('modelDev', 'MODEL_DEVELOPER');
    const tiny = new TextDecoder().decode(await bundleTemplate(join(FIXTURES, 'templates/tiny-centroid.ts')));
    const failing = `${tiny}\nexport class FailsToPredict extends TinyCentroid {\n  override async predict(): Promise<number[][]> {\n    throw new Error('the template broke at line 42 of its own code');\n  }\n}\n`;
    const dataset = await owner.createDataset({ name: 'iris', task: TASK, file: join(FIXTURES, 'iris.csv') });
    const model = await t.superadmin.createModel({ name: 'fails', task: TASK, file: new TextEncoder().encode(failing), modelClass: 'FailsToPredict', accessRight: 'PUBLIC' });
    const good = await t.superadmin.createModel({ name: 'tiny', task: TASK, file: join(FIXTURES, 'templates/tiny-centroid.ts'), modelClass: 'TinyCentroid', accessRight: 'PUBLIC' });
    for (const [app, id] of [['iris', good.id], ['broken', model.id]] as const) {
      await owner.createTrainJob({ app, task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [id], budget: { MODEL_TRIAL_COUNT: 1, GPU_COUNT: 0 } });
      await waitUntil(`the ${app} train job to stop`, async () => (await owner.getTrainJob(app)).status === 'STOPPED');
    }
    host = (await owner.createInferenceJob('iris')).predictor_host!;
  });
  afterAll(async () => {
    for (const client of Object.values(users)) client.close();
    await t.dispose();
  });

  test('without a token only health answers; the rest is 401 with what to send', async () => {
    for (const [method, path] of [['POST', '/predict'], ['POST', '/v2/models/iris/infer'], ['GET', '/v2/models/iris'], ['GET', '/v2/models/iris/ready'], ['GET', '/v2'], ['GET', '/metrics']]) {
      const { status, text } = await query(null, { query: QUERY }, path, method);
      expect([path, status]).toEqual([path, 401]);
      expect(text).toContain('missing bearer token');
    }
    expect((await query(null, undefined, '/v2/health/live', 'GET')).status).toBe(200);
    expect((await query(null, undefined, '/v2/health/ready', 'GET')).status).toBe(200);
  });

  test('the token is checked before the body is read: an anonymous body over the limit is a 401, a known caller\'s a 413', async () => {
    const huge = { query: 'x'.repeat(5 * 1024 * 1024) };
    const anonymous = await query(null, huge);
    expect(anonymous.status).toBe(401);
    const owner = await query(`Bearer ${users.owner!.token}`, huge);
    expect(owner.status).toBe(413);
    expect(JSON.parse(owner.text)).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('larger than the limit') } });
  });

  test('the owner, admins and app users may query; other developers are 403', async () => {
    for (const client of [users.owner!, users.appUser!, t.superadmin]) {
      const probabilities = (await client.predict(host, QUERY)) as number[];
      expect(probabilities).toHaveLength(3);
    }
    for (const client of [users.otherDev!, users.modelDev!]) {
      const { status, text } = await query(`Bearer ${client.token}`);
      expect(status).toBe(403);
      expect(text).toContain('this inference job answers its owner, admins and app users');
    }
  });

  test('forged, confused, endless and expired tokens are 401', async () => {
    const ownerId = users.owner!.getCurrentUser().id;
    expect((await query(`Bearer ${await testToken(ownerId, 'APP_DEVELOPER')}`)).status).toBe(200);
    const forged = await testToken(ownerId, 'SUPERADMIN', { privateKey: (await generateKeyPair('EdDSA')).privateKey });
    const confused = await new SignJWT({ user_type: 'SUPERADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject(ownerId).setExpirationTime('1h')
      .sign(new TextEncoder().encode(TEST_KEYS.publicKeyPem));
    const expired = await testToken(ownerId, 'APP_DEVELOPER', { expiresAt: Math.floor(Date.now() / 1000) - 60 });
    for (const token of [forged, confused, expired, 'not.a.token']) expect((await query(`Bearer ${token}`)).status).toBe(401);
  });

  test('a model that fails tells its owner and admins why, and others only that it failed', async () => {
    const broken = (await users.owner!.createInferenceJob('broken')).predictor_host!;
    try {
      for (const client of [users.owner!, t.superadmin]) {
        const error = await client.predict(broken, QUERY).then(() => null, (e: Error) => e);
        expect(error?.message).toContain('the template broke at line 42 of its own code');
      }
      const error = await users.appUser!.predict(broken, QUERY).then(() => null, (e: Error & { status: number }) => e);
      expect([error?.status, error?.message]).toEqual([500, 'the model failed on query 0']);
    } finally {
      await users.owner!.stopInferenceJob('broken');
    }
  });

  test('the Admin lists whom each user may query, and relays their queries by the job\'s id', async () => {
    const [job] = await users.owner!.listPredictors();
    expect(job).toMatchObject({ app: 'iris', app_version: 1, predictor_host: host, trial_count: 1 });
    for (const client of [users.appUser!, t.superadmin]) expect(await client.listPredictors()).toEqual([job!]);
    for (const client of [users.otherDev!, users.modelDev!]) expect(await client.listPredictors()).toEqual([]);

    const model = await users.appUser!.getPredictorModel(job!.inference_job_id);
    expect(model.outputs[0]?.parameters?.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    const answer = await users.appUser!.predictThroughPredictor(job!.inference_job_id, QUERY);
    expect(answer).toMatchObject({ label: 'setosa', prediction: expect.any(Array) });
    // Another developer's job is not theirs to see, let alone query: 404, as for anything else they may not see.
    const hidden = await users.otherDev!.predictThroughPredictor(job!.inference_job_id, QUERY).then(() => null, (e: Error & { status: number }) => e);
    expect([hidden?.status, hidden?.message]).toEqual([404, `inference job ${job!.inference_job_id} not found`]);
    const bad = await users.appUser!.getPredictor('not-an-id').then(() => null, (e: Error & { status: number }) => e);
    expect([bad?.status, bad?.message]).toEqual([400, expect.stringContaining('an inference job id')]);
  });

  test('a ban reaches the running frontend at once: the banned user is 401 there too', async () => {
    const appUser = users.appUser!;
    expect(((await appUser.predict(host, QUERY)) as number[]).length).toBe(3);
    await t.superadmin.banUser('appUser@rafiki');
    const error = await appUser.predict(host, QUERY).then(() => null, (e: Error & { status: number }) => e);
    expect([error?.status, error?.message]).toEqual([401, 'this user is banned']);
    expect(((await users.owner!.predict(host, QUERY)) as number[]).length).toBe(3);
    // A frontend started after the ban knows it too, while the user's tokens could still be valid.
    await users.owner!.stopInferenceJob('iris');
    const again = (await users.owner!.createInferenceJob('iris')).predictor_host!;
    const later = await appUser.predict(again, QUERY).then(() => null, (e: Error & { status: number }) => e);
    expect(later?.status).toBe(401);
  });
});
