/** GET /datasets/:id/preview over HTTP: made by the upload's check, served from the store, to the owner and admins only. */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { join } from 'node:path';
import { Client } from '../src/client/index.ts';
import { decodeImage } from '../src/model/datasets/image-decode.ts';
import { mnistZip } from './fixtures/mnist.ts';
import { startTestAdmin, type TestAdmin } from './support/admin.ts';
import { failure } from './support/errors.ts';

setDefaultTimeout(120_000);

const IRIS = join(import.meta.dir, 'fixtures/iris.csv');
const PASSWORD = 'a long password';

describe('dataset previews', () => {
  let t: TestAdmin;
  let dev: Client;
  let other: Client;
  let admin: Client;

  async function user(email: string, userType: 'ADMIN' | 'APP_DEVELOPER') {
    await t.superadmin.createUser({ email, password: PASSWORD, userType });
    const client = new Client({ adminUrl: t.admin.url });
    await client.login(email, PASSWORD);
    return client;
  }

  beforeAll(async () => {
    t = await startTestAdmin('embedded');
    dev = await user('dev@example.com', 'APP_DEVELOPER');
    other = await user('other@example.com', 'APP_DEVELOPER');
    admin = await user('admin@example.com', 'ADMIN');
  });
  afterAll(() => t.dispose());

  test("a table's preview: every column with its type, the first rows as the file has them", async () => {
    const iris = await dev.createDataset({ name: 'iris', task: 'TABULAR_CLASSIFICATION', file: IRIS });
    const preview = await dev.getDatasetPreview(iris.id);
    expect(preview).toEqual({
      kind: 'table',
      columns: [
        { name: 'sepal_length', type: 'numeric' }, { name: 'sepal_width', type: 'numeric' }, { name: 'petal_length', type: 'numeric' },
        { name: 'petal_width', type: 'numeric' }, { name: 'class', type: 'text' },
      ],
      rows: expect.any(Array),
    });
    if (preview.kind !== 'table') throw new Error('unreachable');
    expect(preview.rows).toHaveLength(10);
    expect(preview.rows[0]).toEqual(['5.1', '3.5', '1.4', '0.2', 'setosa']);
    // The listing stays as it was: the preview is not part of a dataset's answer.
    expect(Object.keys(await dev.getDataset(iris.id)).sort()).toEqual(['datetime_created', 'id', 'name', 'owner_id', 'sha256', 'size_bytes', 'stats', 'task']);
  });

  test("an image dataset's preview: the count of each class and thumbnails of every class", async () => {
    const digits = await dev.createDataset({ name: 'digits', task: 'IMAGE_CLASSIFICATION', file: mnistZip({ perDigit: 3 }) });
    const preview = await dev.getDatasetPreview(digits.id);
    if (preview.kind !== 'images') throw new Error(`an images preview was expected, got ${preview.kind}`);
    expect(preview.classes).toEqual(Array.from({ length: 10 }, (_, digit) => ({ label: String(digit), count: 3 })));
    expect(preview.samples.map((s) => s.label)).toEqual([...'0123456789', ...'0123456789', ...'0123'].map(String));
    const thumbnail = decodeImage(Buffer.from(preview.samples[0]!.image.replace('data:image/png;base64,', ''), 'base64'));
    expect([thumbnail.height, thumbnail.width, thumbnail.channels]).toEqual([28, 28, 1]);
  });

  test("another user's dataset is 404 (as if it did not exist); an admin may see it", async () => {
    const mine = await dev.createDataset({ name: 'mine', task: 'TABULAR_CLASSIFICATION', file: IRIS });
    const refused = await failure(other.getDatasetPreview(mine.id));
    expect([refused.status, refused.message]).toEqual([404, `dataset ${mine.id} not found`]);
    const missing = await failure(dev.getDatasetPreview('00000000-0000-4000-8000-000000000000'));
    expect(missing.status).toBe(404);
    expect((await admin.getDatasetPreview(mine.id)).kind).toBe('table');
    const anonymous = await fetch(`${t.admin.url}/datasets/${mine.id}/preview`);
    expect(anonymous.status).toBe(401);
  });

  test('a dataset uploaded before previews were kept gets one made from its file, once', async () => {
    const old = await dev.createDataset({ name: 'old', task: 'TABULAR_CLASSIFICATION', file: IRIS });
    const sql = t.admin.store.db.sql;
    await sql`delete from dataset_previews where dataset_id = ${old.id}`;
    const preview = await dev.getDatasetPreview(old.id);
    expect(preview).toMatchObject({ kind: 'table', rows: expect.arrayContaining([['5.1', '3.5', '1.4', '0.2', 'setosa']]) });
    const [kept] = await sql<{ count: number }[]>`select count(*)::int as count from dataset_previews where dataset_id = ${old.id}`;
    expect(kept!.count).toBe(1);
  });

  test('a deleted dataset takes its preview with it', async () => {
    const gone = await dev.createDataset({ name: 'gone', task: 'TABULAR_CLASSIFICATION', file: IRIS });
    await dev.deleteDataset(gone.id);
    expect((await failure(dev.getDatasetPreview(gone.id))).status).toBe(404);
    const [left] = await t.admin.store.db.sql<{ count: number }[]>`select count(*)::int as count from dataset_previews where dataset_id = ${gone.id}`;
    expect(left!.count).toBe(0);
  });
});
