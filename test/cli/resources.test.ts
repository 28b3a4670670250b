/** `rafiki models` and `rafiki datasets`: against a real Admin, in subprocesses. */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUPERADMIN, startTestAdmin, type TestAdmin } from '../support/admin.ts';
import { cli, IRIS, TASK, TINY, type Cli } from './support.ts';

setDefaultTimeout(120_000);

let t: TestAdmin;
let rafiki: Cli;
const scratch = mkdtempSync(join(tmpdir(), 'rafiki-cli-files-'));
beforeAll(async () => {
  t = await startTestAdmin('embedded', { RAFIKI_DATASET_URL_ALLOW: '127.0.0.1' });
  rafiki = cli();
  expect((await rafiki.run(['login', '--admin', t.admin.url, '--email', SUPERADMIN.email, '--password', SUPERADMIN.password])).code).toBe(0);
});
afterAll(async () => {
  rafiki.dispose();
  rmSync(scratch, { recursive: true, force: true });
  await t.dispose();
});

async function expectUsage(cases: [string[], string][]): Promise<void> {
  for (const [args, message] of cases) {
    const run = await rafiki.run(args);
    expect(run.stderr).toContain(message);
    expect(run.code).toBe(2);
  }
}

describe('rafiki models', () => {
  test('upload, list, get, download, delete', async () => {
    const upload = await rafiki.run(['models', 'upload', TINY, '--name', 'tiny', '--task', TASK, '--class', 'TinyCentroid', '--public', '--dependencies', '{}', '--json']);
    expect(upload.code).toBe(0);
    expect(upload.json).toMatchObject({ name: 'tiny', task: TASK, model_class: 'TinyCentroid', access_right: 'PUBLIC' });
    expect(Object.keys(upload.json.knob_config).sort()).toEqual(['metric', 'shrink', 'temperature']);
    const id: string = upload.json.id;

    const [list, filtered, text, get] = await Promise.all([
      rafiki.run(['models', 'list', '--json']),
      rafiki.run(['models', 'list', '--task', 'IMAGE_CLASSIFICATION', '--json']),
      rafiki.run(['models', 'list']),
      rafiki.run(['models', 'get', id]),
    ]);
    expect(list.json).toEqual([upload.json]);
    expect(filtered.json).toEqual([]);
    expect(text.stdout).toMatch(/^NAME +VERSION +TASK +CLASS +ACCESS +CREATED +ID\ntiny +1 +TABULAR_CLASSIFICATION +TinyCentroid +PUBLIC /);
    expect(get.stdout).toContain('class:         TinyCentroid');
    expect(get.stdout).toContain('  metric: {"type":"categorical","values":["euclidean","manhattan"]}');

    const path = join(scratch, 'downloaded.ts');
    const saved = await rafiki.run(['models', 'download', id, '-o', path, '--json']);
    expect(saved.json).toEqual({ id, path, size_bytes: readFileSync(TINY).byteLength });
    expect(readFileSync(path)).toEqual(readFileSync(TINY));
    expect((await rafiki.run(['models', 'download', id])).stdout).toBe(readFileSync(TINY, 'utf8'));
    // By its name too, as `models get` takes it.
    expect((await rafiki.run(['models', 'download', 'tiny'])).stdout).toBe(readFileSync(TINY, 'utf8'));

    const deleted = await rafiki.run(['models', 'delete', id, '--json']);
    expect(deleted.json.id).toBe(id);
    const gone = await rafiki.run(['models', 'get', id]);
    expect(gone.stderr).toMatch(/^rafiki: .*not found/);
    expect(gone.code).toBe(1);
  });

  test('upload under the same name: its next version; list the latest or every version; get by name and version', async () => {
    const uploadAs = (name: string) => rafiki.run(['models', 'upload', TINY, '--name', name, '--task', TASK, '--class', 'TinyCentroid']);
    expect((await uploadAs('versioned')).stdout).toMatch(/^uploaded model versioned version 1 \(PRIVATE, knobs: /);
    const second = await uploadAs('versioned');
    expect([second.code, second.stdout.split('\n')[0]]).toEqual([0, 'uploaded model versioned version 2 (PRIVATE, knobs: metric, shrink, temperature)']);
    const [latest, all, allText, byName, byVersion] = await Promise.all([
      rafiki.run(['models', 'list', '--json']),
      rafiki.run(['models', 'list', '--all-versions', '--json']),
      rafiki.run(['models', 'list', '--all-versions']),
      rafiki.run(['models', 'get', 'versioned', '--json']),
      rafiki.run(['models', 'get', 'versioned', '--version', '1']),
    ]);
    const versions = (run: typeof latest) => run.json.filter((m: { name: string }) => m.name === 'versioned').map((m: { version: number }) => m.version);
    expect([versions(latest), versions(all)]).toEqual([[2], [1, 2]]);
    expect(allText.stdout).toMatch(/^versioned +1 +TABULAR_CLASSIFICATION/m);
    expect(allText.stdout).toMatch(/^versioned +2 +TABULAR_CLASSIFICATION/m);
    expect(byName.json.version).toBe(2);
    expect(byVersion.stdout).toMatch(/^version: +1$/m);
    const badVersion = await rafiki.run(['models', 'get', 'versioned', '--version', '0']);
    expect([badVersion.code, badVersion.stderr]).toEqual([2, expect.stringContaining('expected a positive integer, got 0')]);
  });

  test("a template the Admin rejects: exit 1 with the Admin's reason; bad arguments: exit 2", async () => {
    const rejected = await rafiki.run(['models', 'upload', TINY, '--name', 'nope', '--task', TASK, '--class', 'NoSuchClass']);
    expect(rejected.stderr).toContain('NoSuchClass');
    expect(rejected.code).toBe(1);
    await expectUsage([
      [['models', 'upload', join(scratch, 'missing.ts'), '--name', 'x', '--task', TASK, '--class', 'X'], `template file ${join(scratch, 'missing.ts')} does not exist`],
      [['models', 'upload', TINY, '--name', 'x', '--task', TASK, '--class', 'X', '--dependencies', '[1]'], 'expected a JSON object of package name → version string, got [1]'],
      [['models', 'upload', TINY, '--name', 'x', '--task', 'TEXT', '--class', 'X'], "argument 'TEXT' is invalid. Allowed choices are TABULAR_CLASSIFICATION"],
      [['models', 'upload', TINY, '--name', 'x', '--task', TASK], "required option '--class <class>' not specified"],
      [['models', 'get'], "missing required argument 'id-or-name'"],
    ]);
  });
});

describe('rafiki datasets', () => {
  test('upload from a file and from a URL, list, get, delete', async () => {
    const upload = await rafiki.run(['datasets', 'upload', IRIS, '--name', 'iris', '--task', TASK, '--json']);
    expect(upload.code).toBe(0);
    expect(upload.stderr).toBe('');
    expect(upload.json).toMatchObject({ name: 'iris', task: TASK, size_bytes: readFileSync(IRIS).byteLength, stats: { rows: 150, classes: ['setosa', 'versicolor', 'virginica'] } });

    const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response(Bun.file(IRIS)) });
    try {
      const fromUrl = await rafiki.run(['datasets', 'upload', '--url', `http://127.0.0.1:${server.port}/iris.csv`, '--name', 'iris-url', '--task', TASK]);
      expect(fromUrl.code).toBe(0);
      expect(fromUrl.stdout).toContain('uploaded dataset iris-url (150 rows, 3 classes)');
    } finally {
      server.stop(true);
    }

    const [list, text, get] = await Promise.all([
      rafiki.run(['datasets', 'list', '--task', TASK, '--json']),
      rafiki.run(['datasets', 'list']),
      rafiki.run(['datasets', 'get', upload.json.id, '--json']),
    ]);
    expect(list.json.map((d: { name: string }) => d.name).sort()).toEqual(['iris', 'iris-url']);
    expect(text.stdout).toMatch(/^NAME +TASK +SIZE +CONTENTS +CREATED +ID\n/);
    expect(text.stdout).toMatch(/iris +TABULAR_CLASSIFICATION +3\.9 KB +150 rows, 3 classes /);
    expect(get.json).toEqual(upload.json);

    expect((await rafiki.run(['datasets', 'delete', upload.json.id])).stdout).toContain(`deleted dataset iris (${upload.json.id})`);
    expect((await rafiki.run(['datasets', 'list', '--json'])).json.map((d: { name: string }) => d.name)).toEqual(['iris-url']);
  });

  test('on a terminal the upload draws a progress bar on stderr', async () => {
    const { code, output } = await rafiki.runOnTty(['datasets', 'upload', IRIS, '--name', 'iris-tty', '--task', TASK]);
    expect(code).toBe(0);
    expect(output).toContain(`iris.csv [${'█'.repeat(30)}] 100%  3.9 KB / 3.9 KB`);
    expect(output).toContain('uploaded dataset iris-tty');
  });

  test("a dataset the Admin rejects: exit 1 with the Admin's reason; bad arguments: exit 2", async () => {
    const rejected = await rafiki.run(['datasets', 'upload', TINY, '--name', 'code', '--task', TASK]);
    expect(rejected.stderr).toMatch(/^rafiki: .+/);
    expect(rejected.code).toBe(1);
    const unreachable = await rafiki.run(['datasets', 'upload', '--url', 'http://127.0.0.1:1/iris.csv', '--name', 'x', '--task', TASK]);
    expect(unreachable.stderr).toContain('rafiki: cannot download dataset_url http://127.0.0.1:1/iris.csv');
    expect(unreachable.code).toBe(1);
    await expectUsage([
      [['datasets', 'upload', '--name', 'x', '--task', TASK], 'expected a dataset file, or --url <url>'],
      [['datasets', 'upload', IRIS, '--url', 'http://example.com/x.csv', '--name', 'x', '--task', TASK], 'expected a dataset file or --url <url>, not both'],
      [['datasets', 'upload', join(scratch, 'none.csv'), '--name', 'x', '--task', TASK], `dataset file ${join(scratch, 'none.csv')} does not exist`],
      [['datasets', 'list', '--task', 'TEXT'], "argument 'TEXT' is invalid"],
    ]);
  });
});
