/**
 * Rafiki as a package of another project: `npm pack`, then `npm install` of the
 * tarball in an empty project; `rafiki/model` and `rafiki/client` typecheck there
 * under `tsc` and run under Bun (the client under Node.js too), and the installed
 * `rafiki test-model` checks a template of that project.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Packing, then installing some 90 packages (from npm's cache where it can).
setDefaultTimeout(300_000);

const ROOT = join(import.meta.dir, '..');
const BIN = join(ROOT, 'node_modules/.bin');
const dir = mkdtempSync(join(tmpdir(), 'rafiki-package-'));
const project = join(dir, 'project');

async function run(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = Bun.spawn(argv, { cwd, stdout: 'pipe', stderr: 'pipe', env: { ...process.env, PATH: `${BIN}:${process.env.PATH}` } });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}

async function ok(argv: string[], cwd: string): Promise<string> {
  const result = await run(argv, cwd);
  if (result.code !== 0) throw new Error(`${argv.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

beforeAll(async () => {
  // `npm install` of the repository builds dist/ (its prepare script) and packing takes what is there.
  // The declarations are emitted afresh, since they are what is tested here and nothing else reads them;
  // the client's bundle only when missing, since other tests run it.
  await ok([join(BIN, 'tsc'), '-p', 'tsconfig.types.json'], ROOT);
  if (!existsSync(join(ROOT, 'dist/client/index.js'))) await ok(['npm', 'run', 'build'], ROOT);
  await ok(['npm', 'pack', '--ignore-scripts', '--pack-destination', dir], ROOT);
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'))!;
  await Bun.write(join(project, 'package.json'), JSON.stringify({ name: 'my-templates', private: true, type: 'module' }));
  await ok(['npm', 'install', join(dir, tarball), '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], project);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the tarball holds the sources, built client and declarations, not the tests', async () => {
  const listing = await ok(['tar', 'tzf', join(dir, readdirSync(dir).find((name) => name.endsWith('.tgz'))!)], dir);
  const files = listing.trim().split('\n').map((line) => line.replace(/^package\//, ''));
  for (const file of ['bin/rafiki', 'src/model/index.ts', 'src/cli/index.ts', 'models/knn.ts', 'dist/client/index.js', 'dist/types/model/index.d.ts', 'dist/types/client/index.d.ts', 'docs/templates.md']) {
    expect(files).toContain(file);
  }
  expect(files.filter((file) => file.endsWith('.test.ts'))).toEqual([]);
});

test('rafiki/model and rafiki/client are typed in the other project', async () => {
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      lib: ['ESNext'], target: 'ESNext', module: 'Preserve', moduleResolution: 'bundler', verbatimModuleSyntax: true,
      noEmit: true, strict: true, skipLibCheck: true, types: [],
    },
    include: ['typed.ts'],
  }));
  writeFileSync(join(project, 'typed.ts'), `
import { Model, encodeTabularQueries, importTemplate, knobs, type Dataset, type Params, type TabularQuery, type TrainContext } from 'rafiki/model';
import { Client } from 'rafiki/client';

export class Constant extends Model<TabularQuery, number> {
  static override tasks = ['TABULAR_REGRESSION'] as const;
  static override knobConfig = { value: knobs.float(0, 1) };
  async train(_data: Dataset, ctx: TrainContext): Promise<void> { await ctx.report({ step: 1, score: 0 }); }
  async evaluate(): Promise<number> { return 0; }
  async predict(queries: TabularQuery[]): Promise<number[]> { return queries.map(() => Number(this.knobs.value)); }
  dumpParameters(): Params { return {}; }
  loadParameters(): void {}
}
export const load: (file: string, className: string) => Promise<{ dispose(): void }> = importTemplate;
export const encoded: Float32Array = encodeTabularQueries({ columns: [{ name: 'x', kind: 'numeric', mean: 0, std: 1 }], width: 1 }, [{ x: 2 }]);
export const login: (email: string, password: string) => Promise<unknown> = (email, password) => new Client({ adminUrl: 'http://localhost:3000' }).login(email, password);
// @ts-expect-error adminUrl is a string; were the types missing (any), this directive would be unused and fail.
new Client({ adminUrl: 3000 });
`);
  const result = await run([join(BIN, 'tsc'), '-p', '.'], project);
  expect(result.stdout + result.stderr).toBe('');
  expect(result.code).toBe(0);
});

test('they run under Bun, the client under Node.js too', async () => {
  writeFileSync(join(project, 'run.ts'), `
import { encodeTabularQueries, TASKS } from 'rafiki/model';
import { Client } from 'rafiki/client';
console.log(JSON.stringify([Array.from(encodeTabularQueries({ columns: [{ name: 'x', kind: 'numeric', mean: 1, std: 2 }], width: 1 }, [{ x: 5 }])), TASKS.length, typeof new Client({ adminUrl: 'http://localhost:3000' }).login]));
`);
  expect(JSON.parse(await ok([join(BIN, 'bun'), 'run.ts'], project))).toEqual([[2], 3, 'function']);
  writeFileSync(join(project, 'run.mjs'), "const { Client } = await import('rafiki/client'); console.log(typeof new Client({ adminUrl: 'http://localhost:3000' }).getUsers);\n");
  expect((await ok(['node', 'run.mjs'], project)).trim()).toBe('function');
});

test("the installed rafiki test-model checks the project's own template", async () => {
  copyFileSync(join(ROOT, 'models/knn.ts'), join(project, 'knn.ts'));
  const out = await ok([join(project, 'node_modules/.bin/rafiki'), 'test-model', 'knn.ts', 'KNearestNeighbors', '--task', 'TABULAR_CLASSIFICATION',
    '--train', join(ROOT, 'test/fixtures/iris.csv'), '--val', join(ROOT, 'test/fixtures/iris.csv'), '--trials', '1'], project);
  expect(out).toContain('passed: best score');
});
