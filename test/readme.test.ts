/**
 * The README followed as a user on a fresh clone would: one Admin started as `npm start` starts
 * it, then every sh and TypeScript snippet in the README's order, the sh ones as if in one
 * terminal (what a snippet sets, the next one sees) and the TypeScript ones as one program that
 * waits while the sh snippets between them run. The only edits: the Admin's address
 * (`localhost:3000`) becomes the test server's, `.rafiki/` its data directory, and `rafiki` is
 * bin/rafiki. The snippets that install, start the demo, start on servers or run the test suite
 * are left out: the demo and the suite have their own tests.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './support/databases.ts';
import { ROOT, spawnScript, type Spawned } from './support/processes.ts';

setDefaultTimeout(300_000);

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const BLOCKS = [...README.matchAll(/```(sh|ts)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] as 'sh' | 'ts', code: m[2]! }));
/** The snippets not run here, each by a line only it has. */
const LEFT_OUT = ['npm install && npm run demo', 'DATABASE_URL=postgres://postgres@127.0.0.1:5432/rafiki REDIS_URL', '# embedded PGlite only'];
/** What the TypeScript program prints where a run of sh snippets comes, then waits for a line on stdin. */
const PAUSE = '--- readme.test: sh snippets now ---';

let dir: string;
let dataDir: string;
let admin: Spawned;
let address: string;

beforeAll(async () => {
  dir = tempDir();
  dataDir = join(dir, '.rafiki');
  admin = spawnScript(['scripts/start.ts'], { RAFIKI_DATA_DIR: dataDir, RAFIKI_ADMIN_PORT: '0', RAFIKI_BUILTIN_MODELS: undefined, DATABASE_URL: undefined, REDIS_URL: undefined, RAFIKI_SUPERADMIN_PASSWORD: undefined });
  address = (await admin.waitFor(/Rafiki Admin\s+http:\/\/(\S+)/, 120_000))[1]!;
});
afterAll(async () => {
  admin?.process.kill('SIGTERM');
  await admin?.process.exited;
  rmSync(dir, { recursive: true, force: true });
});

const edit = (code: string) => code.replaceAll('localhost:3000', address).replace(/(?:\.\/)?\.rafiki\//g, `${dataDir}/`);

test('the snippets, in order, on one Admin started as npm start does', async () => {
  for (const marker of LEFT_OUT) expect(BLOCKS.filter((b) => b.code.includes(marker)).length, marker).toBe(1);
  const blocks = BLOCKS.filter((b) => !LEFT_OUT.some((marker) => b.code.includes(marker)));

  // The terminal: each sh snippet starts from the variables the ones before it left.
  const config = join(dir, 'cli');
  mkdirSync(config);
  const state = join(dir, 'terminal.sh');
  writeFileSync(state, '');
  const sh = async (code: string) => {
    const child = Bun.spawn(['bash', '-euo', 'pipefail', '-c', `set -a; . '${state}'\n${edit(code)}\nexport -p > '${state}'`], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${join(ROOT, 'bin')}:${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`, RAFIKI_CONFIG_DIR: config, RAFIKI_PASSWORD: undefined, RAFIKI_ADMIN_URL: undefined },
      stdout: 'pipe',
      stderr: 'pipe',
    });
    const [stdout, stderr, code_] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    expect({ snippet: code, code: code_, stderr: stderr.replace(/\r/g, '') }).toEqual({ snippet: code, code: 0, stderr: expect.not.stringContaining('rafiki:') });
    return stdout;
  };

  // The TypeScript program, with a pause wherever sh snippets come between its parts.
  const shBefore: string[] = [];
  const parts: string[] = [];
  /** The sh snippets after each TypeScript one, before the next. */
  const shAfterPart: string[][] = [];
  for (const block of blocks) {
    if (block.lang === 'ts') {
      parts.push(edit(block.code));
      shAfterPart.push([]);
    } else if (parts.length === 0) {
      shBefore.push(block.code);
    } else {
      shAfterPart.at(-1)!.push(block.code);
    }
  }
  const pause = `console.log(${JSON.stringify(PAUSE)});\nfor await (const _ of console) break;\n`;
  const source = parts.map((part, i) => (i < parts.length - 1 && shAfterPart[i]!.length > 0 ? `${part}\n${pause}` : part)).join('\n');
  const shRuns = shAfterPart.slice(0, -1).filter((run) => run.length > 0);
  const shAfter = shAfterPart.at(-1) ?? [];

  const outputs: string[] = [];
  for (const code of shBefore) outputs.push(await sh(code));
  const program = join(ROOT, `.readme-${process.pid}.ts`);
  try {
    writeFileSync(program, source);
    const child = Bun.spawn([process.execPath, program], { cwd: ROOT, stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' });
    const stderr = new Response(child.stderr).text();
    let printed = '';
    let paused = 0;
    const decoder = new TextDecoder();
    const reader = child.stdout.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      printed += decoder.decode(read.value, { stream: true });
      while (printed.split(PAUSE).length - 1 > paused) {
        for (const code of shRuns[paused]!) outputs.push(await sh(code));
        paused++;
        child.stdin.write('\n');
        child.stdin.flush();
      }
    }
    expect({ code: await child.exited, stderr: await stderr }).toEqual({ code: 0, stderr: '' });
    expect(paused).toBe(shRuns.length);
    expect(printed).toContain('user@example.com');
    expect(printed).toContain('classes: [ "setosa", "versicolor", "virginica" ]');
    expect(printed).toContain('model_name: "iris"');
  } finally {
    rmSync(program, { force: true });
  }
  for (const code of shAfter) outputs.push(await sh(code));

  const all = outputs.join('\n');
  // The quick start's curl: the app developer it creates.
  expect(JSON.parse(outputs[0]!)).toMatchObject({ email: 'dev@example.com', user_type: 'APP_DEVELOPER' });
  // rafiki test-model on a built-in template.
  expect(all).toContain('passed: best score');
  // The app user's curl calls to the SDK's job, then its owner's stop.
  expect(all).toContain('{"ready":true}');
  expect(all).toContain('"prediction":[');
  expect(all).toContain('"name":"iris"');
  expect(all).toMatch(/^# HELP /m);
  expect(all).toMatch(/STOPPED$/m);
  // The CLI walkthrough: its predictions of a setosa, a setosa and a virginica (each its label and probability), then the stop.
  const labels = all.split('\n').map((line) => /^(setosa|versicolor|virginica)\s+([\d.]+)$/.exec(line)?.[1]).filter(Boolean);
  expect(labels).toEqual(['setosa', 'setosa', 'virginica']);
  expect(all).toContain('stopped the inference job of iris');
});
