/**
 * The README's shell snippets, run as written against real servers, so that the
 * README cannot drift from the code. The only edits: the Admin's address
 * (`localhost:3000`) becomes the test server's, and `rafiki` is bin/rafiki.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '../src/client/index.ts';
import { startTestAdmin, type TestAdmin } from './support/admin.ts';
import { tempDir } from './support/databases.ts';
import { ROOT, spawnScript, type Spawned } from './support/processes.ts';

setDefaultTimeout(180_000);

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SH_BLOCKS = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
const TS_BLOCKS = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** The README's sh block that contains `marker`. */
function block(marker: string): string {
  const found = SH_BLOCKS.filter((b) => b.includes(marker));
  if (found.length !== 1) throw new Error(`the README has ${found.length} sh blocks containing ${JSON.stringify(marker)}`);
  return found[0]!;
}

async function bash(script: string, options: { cwd: string; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = Bun.spawn(['bash', '-euo', 'pipefail', '-c', script], {
    cwd: options.cwd,
    env: { ...process.env, PATH: `${join(ROOT, 'bin')}:${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`, ...options.env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}

describe('README', () => {
  let dir: string;
  let admin: Spawned;
  let address: string;
  let stack: TestAdmin;

  beforeAll(async () => {
    dir = tempDir();
    admin = spawnScript(['scripts/start.ts'], { RAFIKI_DATA_DIR: join(dir, '.rafiki'), RAFIKI_ADMIN_PORT: '0', RAFIKI_BUILTIN_MODELS: 'false', DATABASE_URL: undefined, RAFIKI_SUPERADMIN_PASSWORD: undefined });
    address = (await admin.waitFor(/Rafiki Admin\s+http:\/\/(\S+)/))[1]!;
    // The CLI walkthrough logs in as the superadmin and as the developer it creates, both with 'a long password'.
    stack = await startTestAdmin('embedded', { RAFIKI_BUILTIN_MODELS: 'true', RAFIKI_SUPERADMIN_PASSWORD: 'a long password' });
  });
  afterAll(async () => {
    admin.process.kill('SIGTERM');
    await admin.process.exited;
    await stack.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('quick start: logging in with the generated password and creating a user with curl', async () => {
    const run = await bash(block('PASSWORD=$(node -p').replaceAll('localhost:3000', address), { cwd: dir });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({ email: 'dev@example.com', user_type: 'APP_DEVELOPER' });
  });

  test('model developers: rafiki test-model on a built-in template', async () => {
    const run = await bash(block('test-model'), { cwd: ROOT });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('passed: best score');
  });

  test('the CLI walkthrough, from login to predictions, and the curl calls to a predictor', async () => {
    const config = join(dir, 'cli');
    mkdirSync(config);
    const env = { RAFIKI_CONFIG_DIR: config, RAFIKI_PASSWORD: 'a long password' };
    const walkthrough = block('rafiki login --admin').replaceAll('http://localhost:3000', stack.admin.url);
    const run = await bash(walkthrough, { cwd: ROOT, env });
    expect({ code: run.code, stderr: run.stderr.replace(/\r/g, '') }).toEqual({ code: 0, stderr: expect.not.stringContaining('rafiki:') });
    const lines = run.stdout.trim().split('\n');
    const predictions = lines.filter((line) => /^\[[\d.e, -]+\]$/.test(line)).map((line) => JSON.parse(line) as number[]);
    expect(predictions.map((p) => p.indexOf(Math.max(...p)))).toEqual([0, 0, 2]);
    expect(run.stdout).toContain('stopped the inference job of iris');

    await bash('rafiki inference create iris', { cwd: ROOT, env });
    const developer = new Client({ adminUrl: stack.admin.url });
    await developer.login('dev@example.com', 'a long password');
    const job = await developer.getRunningInferenceJob('iris');
    const curl = await bash(block('--http2-prior-knowledge').replaceAll('http://localhost:3000', stack.admin.url), { cwd: ROOT, env: { PREDICTOR: job.predictor_host! } });
    expect(curl.code).toBe(0);
    expect(curl.stdout).toContain('{"ready":true}');
    expect(curl.stdout).toContain('"prediction":[');
    expect(curl.stdout).toContain('"name":"iris"');
    expect(curl.stdout).toMatch(/^# HELP /m);
    expect(curl.stdout).toContain('"openapi":"3.1.0"');
  });

  test('the TypeScript snippets, in order, as one program', async () => {
    const sdk = await startTestAdmin('embedded', { RAFIKI_BUILTIN_MODELS: 'true' });
    // Inside the repository, so that 'rafiki/client' and the snippets' relative paths resolve.
    const program = join(ROOT, `.readme-${process.pid}.ts`);
    try {
      writeFileSync(program, `const password = process.env.RAFIKI_PASSWORD!;\n${TS_BLOCKS.join('\n').replaceAll('http://localhost:3000', sdk.admin.url)}`);
      const run = Bun.spawn([process.execPath, program], { cwd: ROOT, env: { ...process.env, RAFIKI_PASSWORD: 'superadmin-password' }, stdout: 'pipe', stderr: 'pipe' });
      const [stdout, stderr, code] = await Promise.all([new Response(run.stdout).text(), new Response(run.stderr).text(), run.exited]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toContain("classes: [ \"setosa\", \"versicolor\", \"virginica\" ]");
      expect(stdout).toContain('model_name: "iris"');
    } finally {
      rmSync(program, { force: true });
      await sdk.dispose();
    }
  });
});
