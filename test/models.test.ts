/** /models over HTTP: uploads checked in a subprocess, access rules, dependencies, every bad template. */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client, type CreateModelOptions } from '../src/client/index.ts';
import { startTestAdmin, type TestAdmin } from './support/admin.ts';
import { failure } from './support/errors.ts';
import { bundleTemplate } from './support/services.ts';

setDefaultTimeout(120_000);

const TEMPLATE = join(import.meta.dir, 'fixtures/templates/tiny-centroid.ts');
/** TinyCentroid's source as one module, for templates that extend it: an upload is one file. */
const TINY = new TextDecoder().decode(await bundleTemplate(TEMPLATE));
const PASSWORD = 'a long password';


describe('model templates', () => {
  let t: TestAdmin;
  let modelDev: Client;
  let otherDev: Client;
  let appDev: Client;
  let appUser: Client;
  let admin: Client;

  async function user(email: string, userType: 'ADMIN' | 'MODEL_DEVELOPER' | 'APP_DEVELOPER' | 'APP_USER') {
    await t.superadmin.createUser({ email, password: PASSWORD, userType });
    const client = new Client({ adminUrl: t.admin.url });
    await client.login(email, PASSWORD);
    return client;
  }

  const upload = (client: Client, options: Partial<CreateModelOptions> & { name: string }) =>
    client.createModel({ task: 'TABULAR_CLASSIFICATION', file: TEMPLATE, modelClass: 'TinyCentroid', ...options });

  beforeAll(async () => {
    t = await startTestAdmin('embedded', { RAFIKI_TEMPLATE_CHECK_SECONDS: '5' });
    modelDev = await user('model-dev@example.com', 'MODEL_DEVELOPER');
    otherDev = await user('other-dev@example.com', 'MODEL_DEVELOPER');
    appDev = await user('app-dev@example.com', 'APP_DEVELOPER');
    appUser = await user('app-user@example.com', 'APP_USER');
    admin = await user('admin@example.com', 'ADMIN');
  });
  afterAll(() => t.dispose());

  test('upload, get, list, download byte for byte, delete', async () => {
    const model = await upload(modelDev, { name: 'centroid' });
    expect(model).toMatchObject({ name: 'centroid', task: 'TABULAR_CLASSIFICATION', model_class: 'TinyCentroid', access_right: 'PRIVATE', dependencies: {} });
    expect(model.knob_config.temperature).toEqual({ type: 'float', min: 0.1, max: 10, log: true });
    expect(await modelDev.getModel(model.id)).toEqual(model);
    expect((await modelDev.getAvailableModels('TABULAR_CLASSIFICATION')).map((m) => m.id)).toContain(model.id);
    expect((await modelDev.getAvailableModels('IMAGE_CLASSIFICATION')).map((m) => m.id)).not.toContain(model.id);
    expect(Buffer.from(await modelDev.downloadModelFile(model.id)).equals(readFileSync(TEMPLATE))).toBe(true);
    expect((await modelDev.deleteModel(model.id)).id).toBe(model.id);
    expect((await failure(modelDev.getModel(model.id))).status).toBe(404);
  });

  test("an upload under a name of yours is its next version; lists show the latest, all_versions every one; by name, the latest or the version asked", async () => {
    const first = await upload(modelDev, { name: 'same' });
    const second = await upload(modelDev, { name: 'same', accessRight: 'PUBLIC' });
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(second.id).not.toBe(first.id);
    const theirs = await upload(otherDev, { name: 'same' });
    expect(theirs.version).toBe(1);

    const ids = (models: { id: string }[]) => models.map((m) => m.id);
    expect(ids(await modelDev.getAvailableModels())).toContain(second.id);
    expect(ids(await modelDev.getAvailableModels())).not.toContain(first.id);
    expect(ids(await modelDev.getAvailableModels('TABULAR_CLASSIFICATION', { allVersions: true }))).toEqual(expect.arrayContaining([first.id, second.id]));
    // What another user sees of a name: the latest version they may see, the public second here.
    expect(ids(await appDev.getAvailableModels()).filter((id) => [first.id, second.id, theirs.id].includes(id))).toEqual([second.id]);

    expect((await modelDev.getModel('same')).id).toBe(second.id);
    expect((await modelDev.getModel('same', 1)).id).toBe(first.id);
    expect((await otherDev.getModel('same')).id).toBe(theirs.id);
    expect((await appDev.getModel('same')).id).toBe(second.id);
    expect((await failure(appDev.getModel('same', 1))).status).toBe(404);
    expect(Buffer.from(await modelDev.downloadModelFile(first.id)).equals(readFileSync(TEMPLATE))).toBe(true);

    const errors = await Promise.all([
      failure(modelDev.getModel('same', 3)),
      failure(modelDev.getModel(first.id, 1)),
      failure(modelDev.getModel('same', 0)),
      failure(upload(modelDev, { name: 'same', task: 'TABULAR_REGRESSION', modelClass: 'TinyCentroid' })),
    ]);
    expect(errors.map((e) => [e.status, e.message])).toEqual([
      [404, 'model same version 3 not found among your models and the public ones'],
      [400, `version: ${first.id} is a model id, which names one version already; give a model name with a version`],
      [400, expect.stringContaining("'version' must be a version number (1, 2, …), with a model name")],
      [400, expect.stringContaining('task: your model same is for TABULAR_CLASSIFICATION, so its next version must be too, not TABULAR_REGRESSION')],
    ]);
    await upload(otherDev, { name: 'same', accessRight: 'PUBLIC' });
    const ambiguous = await failure(appDev.getModel('same'));
    expect([ambiguous.status, ambiguous.message]).toEqual([409, '2 users have a public model same; ask for it by its id']);
  });

  test('two uploads of one name at once become two versions', async () => {
    const both = await Promise.all([upload(modelDev, { name: 'racing' }), upload(modelDev, { name: 'racing' })]);
    expect(both.map((m) => m.version).sort()).toEqual([1, 2]);
  });

  test('who may upload, see, download and delete', async () => {
    for (const client of [appDev, appUser]) expect((await failure(upload(client, { name: 'nope' }))).status).toBe(403);
    expect((await upload(admin, { name: 'by-admin' })).name).toBe('by-admin');

    const priv = await upload(modelDev, { name: 'private-one' });
    const pub = await upload(modelDev, { name: 'public-one', accessRight: 'PUBLIC' });
    for (const client of [otherDev, appDev]) {
      const visible = (await client.getAvailableModels()).map((m) => m.id);
      expect(visible).toContain(pub.id);
      expect(visible).not.toContain(priv.id);
      expect((await failure(client.getModel(priv.id))).status).toBe(404);
      expect((await failure(client.downloadModelFile(priv.id))).status).toBe(404);
      expect((await client.getModel(pub.id)).id).toBe(pub.id);
      expect((await client.downloadModelFile(pub.id)).byteLength).toBeGreaterThan(0);
      expect((await failure(client.deleteModel(pub.id))).status).toBe(403);
      expect((await failure(client.deleteModel(priv.id))).status).toBe(404);
    }
    expect((await failure(appUser.getAvailableModels())).status).toBe(403);
    expect((await admin.getModel(priv.id)).id).toBe(priv.id);
    expect((await admin.deleteModel(pub.id)).id).toBe(pub.id);
    expect((await modelDev.deleteModel(priv.id)).id).toBe(priv.id);
  });

  test('a template a train job uses cannot be deleted', async () => {
    const model = await upload(modelDev, { name: 'in-use' });
    const sql = t.admin.store.db.sql;
    const dataset = await t.admin.store.datasets.create({ userId: model.user_id, name: 'd', task: 'TABULAR_CLASSIFICATION', sha256: 'x', sizeBytes: 1, stats: { classes: [] } });
    const [job] = await sql<{ id: string }[]>`insert into train_jobs (user_id, app, app_version, task, train_dataset_id, val_dataset_id, budget)
      values (${model.user_id}, 'app', 1, 'TABULAR_CLASSIFICATION', ${dataset.id}, ${dataset.id}, '{}') returning id`;
    await sql`insert into sub_train_jobs (train_job_id, model_id) values (${job!.id}, ${model.id})`;
    const error = await failure(modelDev.deleteModel(model.id));
    expect([error.status, error.message]).toEqual([409, 'model in-use is used by a train job and cannot be deleted']);
  });

  const badTemplates: [string, string, string, RegExp][] = [
    ['syntax error', 'export class Broken {\n  train( {\n}\n', 'Broken', /syntax error at line \d+, column \d+/],
    ['no such class', "export class Other {}\nexport const x = 1;\n", 'Missing', /exports no class named "Missing" \(it exports Other\)/],
    ['not the contract', 'export class Half { async train() {} }\n', 'Half', /does not follow the Model contract: it has no evaluate, predict, dumpParameters, loadParameters methods/],
    ['invalid knob', `${TINY}\nexport class BadKnob extends TinyCentroid {\n  static override knobConfig = { lr: { type: 'float', min: 1, max: 0, log: false } } as never;\n}\n`, 'BadKnob', /knobConfig is invalid: .*lr/],
    ['wrong task', `${TINY}\nexport class Images extends TinyCentroid {\n  static override tasks = ['IMAGE_CLASSIFICATION'] as never;\n}\n`, 'Images', /TABULAR_CLASSIFICATION/],
    ['loops while imported', 'while (true) {}\nexport class Loop {}\n', 'Loop', /did not finish loading within 5 s/],
    ['exits while imported', 'process.exit(3);\nexport class Exit {}\n', 'Exit', /ended its process \(exited with code 3\)/],
    ['file beside it', "import { helper } from './helper.ts';\nexport class Beside { x = helper; }\n", 'Beside', /Cannot find module '\.\/helper\.ts'.*bundle the files it imports into it/],
    ['missing package', "import leftPad from 'surely-not-installed-package';\nexport class NeedsPkg { x = leftPad; }\n", 'NeedsPkg', /surely-not-installed-package/],
  ];
  for (const [what, code, modelClass, message] of badTemplates) {
    test(`refuses a template with a ${what}, and says why`, async () => {
      const error = await failure(modelDev.createModel({ name: what, task: 'TABULAR_CLASSIFICATION', file: new TextEncoder().encode(code), modelClass }));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(t.backend.dataDir);
    });
  }

  test('bad form fields are 400 naming the field', async () => {
    const cases: [Partial<CreateModelOptions>, string][] = [
      [{ task: 'TEXT_GENERATION' as never }, "form: 'task' must be one of"],
      [{ modelClass: 'not a class' }, "form: 'model_class' must be a class name"],
      [{ dependencies: { 'Bad Name!': '1' } }, 'dependencies: "Bad Name!" is not an npm package name'],
      [{ dependencies: { rafiki: '1' } }, 'dependencies: "rafiki" is provided by the server'],
      [{ file: new Uint8Array(0) }, "'model_file_bytes' is required"],
    ];
    for (const [options, message] of cases) {
      const error = await failure(upload(modelDev, { name: 'fields', ...options }));
      expect({ status: error.status, message: error.message }).toEqual({ status: 400, message: expect.stringContaining(message) });
    }
    const noFile = await fetch(`${t.admin.url}/models`, { method: 'POST', headers: { authorization: `Bearer ${modelDev.token}` }, body: JSON.stringify({}) });
    expect(noFile.status).toBe(415);
  });

  test('dependencies are installed once per distinct set; a package that does not exist is a 400 naming it', async () => {
    const code = new TextEncoder().encode(`import isNumber from 'is-number';\n${TINY}\nexport class WithDep extends TinyCentroid { static check = isNumber(1); }\n`);
    const first = await modelDev.createModel({ name: 'dep-1', task: 'TABULAR_CLASSIFICATION', file: code, modelClass: 'WithDep', dependencies: { 'is-number': '7.0.0' } });
    expect(first.dependencies).toEqual({ 'is-number': '7.0.0' });
    const folders = readdirSync(join(t.backend.dataDir, 'templates'));
    const folder = folders.find((f) => existsSync(join(t.backend.dataDir, 'templates', f, 'node_modules/is-number')))!;
    const installedAt = statSync(join(t.backend.dataDir, 'templates', folder, '.rafiki-installed')).mtimeMs;
    await otherDev.createModel({ name: 'dep-2', task: 'TABULAR_CLASSIFICATION', file: code, modelClass: 'WithDep', dependencies: { 'is-number': '7.0.0' } });
    expect(statSync(join(t.backend.dataDir, 'templates', folder, '.rafiki-installed')).mtimeMs).toBe(installedAt);
    expect(readdirSync(join(t.backend.dataDir, 'templates'))).toEqual(folders);

    const error = await failure(upload(modelDev, { name: 'ghost', dependencies: { 'rafiki-surely-no-such-package-4242': '1.0.0' } }));
    expect(error.status).toBe(400);
    expect(error.message).toContain('rafiki-surely-no-such-package-4242');
  });

  test('the Admin keeps serving others while a template that loops is being checked', async () => {
    let checked = false;
    const looping = failure(modelDev.createModel({ name: 'spin', task: 'TABULAR_CLASSIFICATION', file: new TextEncoder().encode('while (true) {}\n'), modelClass: 'Spin' }))
      .finally(() => {
        checked = true;
      });
    await Bun.sleep(500);
    expect((await otherDev.getAvailableModels()).length).toBeGreaterThan(0);
    // Answered while the check still runs (it takes the 5 s limit).
    expect(checked).toBe(false);
    expect((await looping).status).toBe(400);
  });

  test('two uploads at once are both checked and stored', async () => {
    const [a, b] = await Promise.all([upload(modelDev, { name: 'parallel-a' }), upload(otherDev, { name: 'parallel-b' })]);
    expect([a.name, b.name]).toEqual(['parallel-a', 'parallel-b']);
  });
});
