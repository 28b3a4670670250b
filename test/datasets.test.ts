/** /datasets over HTTP: streamed uploads checked against their task, content-addressed storage, access, bad files. */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '../src/client/index.ts';
import { multipartBody } from '../src/client/multipart.ts';
import { png, zip } from './fixtures/datasets.ts';
import { mnistZip } from './fixtures/mnist.ts';
import { startTestAdmin, type TestAdmin } from './support/admin.ts';
import { failure } from './support/errors.ts';
import { waitUntil } from './support/wait.ts';

setDefaultTimeout(120_000);

const IRIS = join(import.meta.dir, 'fixtures/iris.csv');
const DIABETES = join(import.meta.dir, 'fixtures/diabetes.csv');
const PASSWORD = 'a long password';
const text = (s: string) => new TextEncoder().encode(s);


describe('datasets', () => {
  let t: TestAdmin;
  let dev: Client;
  let other: Client;
  let admin: Client;
  let appUser: Client;
  let files: Bun.Server<undefined>;

  async function user(email: string, userType: 'ADMIN' | 'APP_DEVELOPER' | 'APP_USER') {
    await t.superadmin.createUser({ email, password: PASSWORD, userType });
    const client = new Client({ adminUrl: t.admin.url });
    await client.login(email, PASSWORD);
    return client;
  }

  const storedFiles = () => readdirSync(join(t.backend.dataDir, 'datasets'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.endsWith('staging')).map((e) => e.name);
  /** What uploads under way have written so far. */
  const staging = () => readdirSync(join(t.backend.dataDir, 'datasets/staging'));

  beforeAll(async () => {
    // This machine's loopback is where the test's file server is: the one non-public address allowed.
    t = await startTestAdmin('embedded', { RAFIKI_MAX_DATASET_MB: '1', RAFIKI_DATASET_URL_TIMEOUT_SECONDS: '2', RAFIKI_DATASET_URL_ALLOW: '127.0.0.1' });
    dev = await user('dev@example.com', 'APP_DEVELOPER');
    other = await user('other@example.com', 'APP_DEVELOPER');
    admin = await user('admin@example.com', 'ADMIN');
    appUser = await user('user@example.com', 'APP_USER');
    files = Bun.serve({
      port: 0,
      async fetch(request) {
        const path = new URL(request.url).pathname;
        if (path === '/iris.csv') return new Response(Bun.file(IRIS));
        if (path === '/slow') return new Promise(() => {});
        if (path === '/to-metrics') return Response.redirect(`http://127.0.0.2:${files.port}/metrics`, 302);
        if (path === '/secret.csv') return new Response('secret-token-in-a-file,b\n1,2\n');
        return new Response('not here', { status: 404 });
      },
    });
  });
  afterAll(async () => {
    files.stop(true);
    await t.dispose();
  });

  test('a tabular upload is checked, described, listed, got and deleted', async () => {
    const dataset = await dev.createDataset({ name: 'iris', task: 'TABULAR_CLASSIFICATION', file: IRIS });
    const sha256 = new Bun.CryptoHasher('sha256').update(readFileSync(IRIS)).digest('hex');
    expect(dataset).toMatchObject({
      name: 'iris', task: 'TABULAR_CLASSIFICATION', size_bytes: readFileSync(IRIS).byteLength, sha256,
      stats: { rows: 150, columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'class'], classes: ['setosa', 'versicolor', 'virginica'] },
    });
    expect(await dev.getDataset(dataset.id)).toEqual(dataset);
    expect((await dev.getDatasets('TABULAR_CLASSIFICATION')).map((d) => d.id)).toContain(dataset.id);
    expect((await dev.getDatasets('TABULAR_REGRESSION')).map((d) => d.id)).not.toContain(dataset.id);
    expect(storedFiles()).toContain(sha256);
    await dev.deleteDataset(dataset.id);
    expect((await failure(dev.getDataset(dataset.id))).status).toBe(404);
    expect(storedFiles()).not.toContain(sha256);
  });

  test('regression and image datasets are described by their task', async () => {
    const regression = await dev.createDataset({ name: 'diabetes', task: 'TABULAR_REGRESSION', file: DIABETES });
    expect(regression.stats).toMatchObject({ rows: 442, classes: [] });
    const images = await dev.createDataset({ name: 'digits', task: 'IMAGE_CLASSIFICATION', file: mnistZip({ perDigit: 3 }) });
    expect(images.stats).toEqual({ images: 30, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
  });

  test('the same content is stored once, and kept while a dataset uses it', async () => {
    const a = await dev.createDataset({ name: 'a', task: 'TABULAR_CLASSIFICATION', file: IRIS });
    const b = await other.createDataset({ name: 'b', task: 'TABULAR_CLASSIFICATION', file: readFileSync(IRIS) });
    expect(b.sha256).toBe(a.sha256);
    expect(storedFiles().filter((f) => f === a.sha256)).toHaveLength(1);
    await dev.deleteDataset(a.id);
    expect(storedFiles()).toContain(a.sha256);
    await other.deleteDataset(b.id);
    expect(storedFiles()).not.toContain(a.sha256);
  });

  test('dataset_url: fetched over http; a URL that fails or does not answer is a 400', async () => {
    const fetched = await dev.createDataset({ name: 'remote', task: 'TABULAR_CLASSIFICATION', url: `http://127.0.0.1:${files.port}/iris.csv` });
    expect(fetched.stats.rows).toBe(150);
    const missing = await failure(dev.createDataset({ name: 'x', task: 'TABULAR_CLASSIFICATION', url: `http://127.0.0.1:${files.port}/nothing.csv` }));
    expect([missing.status, missing.message]).toEqual([400, expect.stringContaining('answered 404')]);
    const slow = await failure(dev.createDataset({ name: 'x', task: 'TABULAR_CLASSIFICATION', url: `http://127.0.0.1:${files.port}/slow` }));
    expect(slow.message).toContain('no answer within 2 s');
    const ftp = await failure(dev.createDataset({ name: 'x', task: 'TABULAR_CLASSIFICATION', url: 'ftp://example.com/x.csv' }));
    expect(ftp.message).toContain("'dataset_url' must be an http:// or https:// URL");
  });

  test('dataset_url: no non-public address unless allowed, at the first request or a redirect; nothing fetched is echoed', async () => {
    for (const url of [`http://127.0.0.2:${files.port}/iris.csv`, `http://[::1]:${files.port}/iris.csv`, 'http://169.254.169.254/latest/meta-data/', 'http://10.1.2.3/x.csv', 'http://0.0.0.0:1/x.csv']) {
      const refused = await failure(dev.createDataset({ name: 'x', task: 'TABULAR_CLASSIFICATION', url }));
      expect([url, refused.status, refused.message]).toEqual([url, 400, expect.stringContaining('which is not a public address: refused')]);
    }
    const redirected = await failure(dev.createDataset({ name: 'x', task: 'TABULAR_CLASSIFICATION', url: `http://127.0.0.1:${files.port}/to-metrics` }));
    expect(redirected.message).toContain('127.0.0.2');
    expect(redirected.message).toContain('which is not a public address: refused');
    const wrong = await failure(dev.createDataset({ name: 'x', task: 'IMAGE_CLASSIFICATION', url: `http://127.0.0.1:${files.port}/secret.csv` }));
    expect([wrong.status, wrong.message]).toEqual([400, 'the file at dataset_url is not a valid IMAGE_CLASSIFICATION dataset; download it and upload it as a file to see where']);
  });

  test('files that are not of their task are refused, naming the problem, and nothing is kept', async () => {
    const before = storedFiles();
    const cases: [string, Uint8Array, 'TABULAR_CLASSIFICATION' | 'TABULAR_REGRESSION' | 'IMAGE_CLASSIFICATION', RegExp][] = [
      ['ragged rows', text('a,b,label\n1,2,x\n3,y\n'), 'TABULAR_CLASSIFICATION', /line 3/],
      ['text target for regression', text('a,target\n1,2\n3,high\n'), 'TABULAR_REGRESSION', /target|"high"|number/],
      ['empty upload', new Uint8Array(0), 'TABULAR_CLASSIFICATION', /empty/],
      ['a CSV as images', readFileSync(IRIS), 'IMAGE_CLASSIFICATION', /zip/],
      ['zip without images.csv', zip({ 'a.png': png(2, 2, () => 0) }), 'IMAGE_CLASSIFICATION', /images\.csv/],
      ['images.csv naming a missing image', zip({ 'images.csv': 'path,class\na.png,0\nb.png,1\n', 'a.png': png(2, 2, () => 0) }), 'IMAGE_CLASSIFICATION', /b\.png/],
      ['a corrupt image', zip({ 'images.csv': 'path,class\na.png,0\n', 'a.png': text('not a png') }), 'IMAGE_CLASSIFICATION', /a\.png/],
    ];
    for (const [what, file, task, message] of cases) {
      const error = await failure(dev.createDataset({ name: what, task, file }));
      expect({ what, status: error.status }).toEqual({ what, status: 400 });
      expect(error.message).toMatch(message);
    }
    expect(storedFiles()).toEqual(before);
    expect(staging()).toEqual([]);
  });

  test('an upload over RAFIKI_MAX_DATASET_MB is 413 and leaves nothing behind', async () => {
    const before = storedFiles();
    const big = text(`a,label\n${'1,x\n'.repeat(300_000)}`);
    const error = await failure(dev.createDataset({ name: 'big', task: 'TABULAR_CLASSIFICATION', file: big }));
    expect([error.status, error.message]).toEqual([413, 'the file is larger than the limit of 1 MB']);
    expect(storedFiles()).toEqual(before);
    expect(staging()).toEqual([]);
  });

  test('an upload its client abandons part-way leaves nothing behind', async () => {
    const before = storedFiles();
    const abandon = new AbortController();
    async function* halfAFile() {
      yield text(`a,label\n${'1,x\n'.repeat(100_000)}`);
      // The rest never comes: the client goes away first.
      await new Promise((resolve) => abandon.signal.addEventListener('abort', resolve));
    }
    const { body, contentType } = multipartBody({ name: 'abandoned', task: 'TABULAR_CLASSIFICATION' }, { field: 'dataset', data: halfAFile() });
    const answer = fetch(`${t.admin.url}/datasets`, {
      method: 'POST', body, signal: abandon.signal, headers: { 'content-type': contentType, authorization: `Bearer ${dev.token}` },
    }).then((response) => response.status, (error: Error) => error.name);
    await waitUntil('the first part of the upload in staging', async () => staging().length > 0, 30_000, 20);
    abandon.abort();
    expect(await answer).toBe('AbortError');
    await waitUntil('staging emptied of the abandoned upload', async () => staging().length === 0, 30_000, 20);
    expect(storedFiles()).toEqual(before);
    expect((await dev.getDatasets()).map((d) => d.name)).not.toContain('abandoned');
  });

  test('bad form fields are 400 naming the field', async () => {
    const noTask = await failure(dev.createDataset({ name: 'x', task: 'SPEECH' as never, file: IRIS }));
    expect(noTask.message).toContain("form: 'task' must be one of");
    const both = await failure(dev.createDataset({ name: 'x', task: 'TABULAR_CLASSIFICATION', file: IRIS, url: 'http://example.com' } as never));
    expect(both.message).toBe('send either a dataset file or dataset_url, not both');
    const neither = await failure(dev.createDataset({ name: 'x', task: 'TABULAR_CLASSIFICATION' } as never));
    expect(neither.message).toContain("'dataset' (a file) or 'dataset_url' is required");
    const nul = await failure(dev.createDataset({ name: 'iris\u0000', task: 'TABULAR_CLASSIFICATION', file: IRIS }));
    expect([nul.status, nul.message]).toEqual([400, 'form.name must not contain NUL characters (\\u0000)']);
    expect(staging()).toEqual([]);
  });

  test('owners and admins only; app users may not upload; a used dataset cannot be deleted', async () => {
    const mine = await dev.createDataset({ name: 'mine', task: 'TABULAR_CLASSIFICATION', file: IRIS });
    expect((await failure(other.getDataset(mine.id))).status).toBe(404);
    expect((await failure(other.deleteDataset(mine.id))).status).toBe(404);
    expect((await other.getDatasets()).map((d) => d.id)).not.toContain(mine.id);
    expect((await admin.getDataset(mine.id)).id).toBe(mine.id);
    expect((await failure(appUser.createDataset({ name: 'x', task: 'TABULAR_CLASSIFICATION', file: IRIS }))).status).toBe(403);
    expect((await failure(appUser.getDatasets())).status).toBe(403);

    const sql = t.admin.store.db.sql;
    await sql`insert into train_jobs (user_id, app, app_version, task, train_dataset_id, val_dataset_id, budget)
      values (${mine.owner_id}, 'app', 1, 'TABULAR_CLASSIFICATION', ${mine.id}, ${mine.id}, '{}')`;
    const used = await failure(dev.deleteDataset(mine.id));
    expect([used.status, used.message]).toEqual([409, 'dataset mine is used by a train job and cannot be deleted']);
  });

  test('two uploads at once are both stored', async () => {
    const [a, b] = await Promise.all([
      dev.createDataset({ name: 'one', task: 'TABULAR_REGRESSION', file: DIABETES }),
      other.createDataset({ name: 'two', task: 'IMAGE_CLASSIFICATION', file: mnistZip({ perDigit: 2 }) }),
    ]);
    expect([a.stats.rows, b.stats.images]).toEqual([442, 20]);
  });
});
