/** `rafiki inference` and `rafiki predict` against a real stack. */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPERADMIN, startTestAdmin, type TestAdmin } from '../support/admin.ts';
import { waitUntil } from '../support/wait.ts';
import { cli, IRIS, TASK, TINY, type Cli } from './support.ts';

setDefaultTimeout(120_000);

let t: TestAdmin;
let rafiki: Cli;

beforeAll(async () => {
  t = await startTestAdmin('embedded');
  rafiki = cli();
  const client = t.superadmin;
  const dataset = await client.createDataset({ name: 'iris', task: TASK, file: IRIS });
  const model = await client.createModel({ name: 'tiny', task: TASK, file: TINY, modelClass: 'TinyCentroid' });
  await client.createTrainJob({ app: 'iris', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [model.id], budget: { MODEL_TRIAL_COUNT: 2, GPU_COUNT: 0 } });
  await waitUntil('training to end', async () => (await client.getTrainJob('iris')).status === 'STOPPED');
  expect((await rafiki.run(['login', '--admin', t.admin.url, '--email', SUPERADMIN.email, '--password', SUPERADMIN.password])).code).toBe(0);
});
afterAll(async () => {
  rafiki.dispose();
  await t.dispose();
});

test('inference create, status, list; predict one query, a batch from stdin and from a file; stop', async () => {
  const created = await rafiki.run(['inference', 'create', 'iris', '--json']);
  expect(created.code).toBe(0);
  expect(created.json).toMatchObject({ app: 'iris', status: 'RUNNING', predictor_host: expect.stringMatching(/:\d+$/) });
  expect((await rafiki.run(['inference', 'status', 'iris', '--json'])).json.id).toBe(created.json.id);
  expect((await rafiki.run(['inference', 'list', 'iris', '--json'])).json.map((j: { id: string }) => j.id)).toEqual([created.json.id]);

  const one = await rafiki.run(['predict', 'iris', '--json', '--query', '{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}']);
  expect(one.code).toBe(0);
  expect(one.json.prediction).toHaveLength(3);
  expect(one.json.prediction.indexOf(Math.max(...one.json.prediction))).toBe(0);
  expect([one.json.label, one.json.label_probability]).toEqual(['setosa', Math.max(...one.json.prediction)]);

  const child = Bun.spawn([join(import.meta.dir, '../../bin/rafiki'), 'predict', 'iris'], { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', env: { ...process.env, RAFIKI_CONFIG_DIR: rafiki.dir } });
  child.stdin.write('[[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]');
  await child.stdin.end();
  const [stdout, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  expect(code).toBe(0);
  const lines = stdout.trim().split('\n').map((line) => line.split(/\s+/));
  expect(lines.map(([label]) => label)).toEqual(['setosa', 'virginica']);
  lines.forEach(([, probability]) => expect(probability).toMatch(/^(0\.\d{4}|1\.0000)$/));
  // The probabilities line up: the labels are padded to one width.
  const columns = stdout.trim().split('\n').map((line) => line.search(/\d/));
  expect(new Set(columns).size).toBe(1);

  const file = join(rafiki.dir, 'queries.json');
  writeFileSync(file, JSON.stringify([{ sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 }]));
  const fromFile = await rafiki.run(['predict', 'iris', '--file', file, '--json']);
  expect(fromFile.json.predictions).toHaveLength(1);
  expect(fromFile.json.labels).toEqual(['virginica']);
  expect(fromFile.json.label_probabilities).toEqual([Math.max(...fromFile.json.predictions[0])]);

  const stopped = await rafiki.run(['inference', 'stop', 'iris', '--json']);
  expect([stopped.code, stopped.json.status]).toEqual([0, 'STOPPED']);
});

test('bad calls: queries that are not JSON exit 2; a job that does not exist exits 1 with the reason', async () => {
  const notJson = await rafiki.run(['predict', 'iris', '--query', '{nope']);
  expect(notJson.code).toBe(2);
  expect(notJson.stderr).toContain('the queries are not JSON');
  const missing = await rafiki.run(['inference', 'create', 'no-such-app']);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('no train job of app no-such-app');
  const noJob = await rafiki.run(['predict', 'iris', '--query', '[1, 2, 3, 4]']);
  expect(noJob.code).toBe(1);
  expect(noJob.stderr).toContain('has no running inference job');
});
