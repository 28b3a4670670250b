// The frontend's memory stays flat under load: after a few hundred thousand requests from h2load,
// its idle RSS (after a forced GC) is within 10 % of what it was before them.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import * as Comlink from 'comlink';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FRONTEND_CHANNEL, type FrontendApi } from '../../src/common/protocols/frontend.ts';
import { LocalServices } from '../../src/common/services/local.ts';
import { unsandboxed } from '../../src/common/services/sandbox.ts';
import type { ManagedProcess } from '../../src/common/services/services.ts';
import { idleMemory, MEASURED_FRONTEND, MEMORY_CHANNEL, type MemoryApi } from '../support/measured-frontend.ts';
import { testToken } from '../support/tokens.ts';
import { frontendSpec, imageTrial, tempDir } from './support.ts';

setDefaultTimeout(180_000);

const h2loadMissing = Bun.which('h2load') === null;
if (h2loadMissing && process.env.CI) throw new Error('h2load must be installed in CI (.ci/run installs nghttp2-client): the memory test loads the frontend with it');

/** Enough that the old leak (each batch's answer kept) grew the idle RSS by about half; the noise is a few %. */
const REQUESTS = 150_000;
/** Before the baseline, so that JIT-compiled code, connection buffers and allocator pools are in it. */
const WARM_UP = 20_000;
/** Fewer streams in flight than a benchmark's: smaller batches, so more of them per request. */
const LOAD = ['-c', '4', '-m', '8'];
/** Wide answers, so that anything kept per answer shows in megabytes; small queries, so that many are sent in little time. */
const CLASSES = Array.from({ length: 64 }, (_, k) => `class ${k}`);

const dir = tempDir();
let child: ManagedProcess;
let frontend: Comlink.Remote<FrontendApi>;
let memory: Comlink.Remote<MemoryApi>;
let port: number;

beforeAll(async () => {
  if (h2loadMissing) return;
  const trial = await imageTrial(dir.path, 'image', CLASSES);
  child = await new LocalServices({ sandbox: unsandboxed }).spawn({
    kind: 'PREDICTOR', run: { script: MEASURED_FRONTEND }, untrusted: false, limits: { memoryBytes: 8 * 1024 ** 3, processes: 256 },
  });
  frontend = Comlink.wrap<FrontendApi>(child.endpoint(FRONTEND_CHANNEL));
  memory = Comlink.wrap<MemoryApi>(child.endpoint(MEMORY_CHANNEL));
  // A long deadline: on a loaded machine a late answer would be a 504, and this test is about memory.
  ({ port } = await frontend.start(frontendSpec({ task: 'IMAGE_CLASSIFICATION', trials: [trial], deadlineMs: 30_000 })));
  writeFileSync(join(dir.path, 'query.json'), JSON.stringify({ query: Array.from({ length: 8 }, (_, y) => Array.from({ length: 8 }, (_, x) => (x * 31 + y * 17) % 256)) }));
});

afterAll(async () => {
  await frontend?.stop().catch(() => {});
  await child?.stop();
  dir.remove();
});

/** Sends `requests` requests with h2load; answers its status code counts. */
async function load(requests: number): Promise<string> {
  const token = await testToken('memory-test', 'APP_USER');
  const h2load = Bun.spawn(['h2load', '-n', String(requests), ...LOAD, '-d', join(dir.path, 'query.json'), '-H', 'content-type: application/json',
    '-H', `authorization: Bearer ${token}`, `http://127.0.0.1:${port}/predict`], { stdout: 'pipe', stderr: 'pipe' });
  const [out, err] = await Promise.all([new Response(h2load.stdout).text(), new Response(h2load.stderr).text()]);
  if ((await h2load.exited) !== 0) throw new Error(`h2load failed: ${err || out}`);
  return /status codes: .*/.exec(out)?.[0] ?? out;
}

const MB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

test.skipIf(h2loadMissing)(`the idle RSS after ${REQUESTS.toLocaleString('en')} requests is within 10 % of before them${h2loadMissing ? ' (skipped: h2load is not installed; apt-get install nghttp2-client)' : ''}`, async () => {
  expect(await load(WARM_UP)).toContain(`${WARM_UP} 2xx`);
  const before = await idleMemory(memory);
  expect(await load(REQUESTS)).toContain(`${REQUESTS} 2xx`);
  const after = await idleMemory(memory);
  const figures = `idle RSS ${MB(before.rss)} → ${MB(after.rss)}, JS heap ${MB(before.heap)} → ${MB(after.heap)}`;
  console.log(`frontend memory, ${REQUESTS} requests: ${figures}`);
  expect(after.rss, figures).toBeLessThanOrEqual(before.rss * 1.1);
});
