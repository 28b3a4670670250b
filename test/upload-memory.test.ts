/**
 * A 300 MB dataset upload streams through the Admin: its resident memory stays
 * under 150 MB. The Admin runs as its own process (`bun run start`) so that its
 * memory is measured alone, sampled from /proc during the upload. On a Postgres
 * server the whole process is measured; with embedded PGlite, whose WebAssembly
 * heap alone is larger, the growth during the upload.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { Client, RafikiClientError } from '../src/client/index.ts';
import { backendNames, createBackend, type Backend } from './support/databases.ts';
import { spawnScript, type Spawned } from './support/processes.ts';

setDefaultTimeout(180_000);

const SIZE = 300 * 1024 * 1024;
const MB = 1024 * 1024;

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(status.match(new RegExp(`${key}:\\s+(\\d+) kB`))?.[1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** A CSV of `size` bytes whose third line is ragged, so that the check after the upload fails at once. */
async function* generatedCsv(size: number): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  yield encoder.encode('a,b,label\n1,2,x\n3,y\n');
  const block = encoder.encode('1.5,2.5,x\n'.repeat(6_554));
  for (let sent = 0; sent < size; sent += block.byteLength) yield block;
}

const backendName = backendNames.includes('server') ? 'server' : 'embedded';

describe(`a 300 MB upload on ${backendName}`, () => {
  let backend: Backend;
  let admin: Spawned;
  let url: string;

  beforeAll(async () => {
    backend = await createBackend(backendName);
    admin = spawnScript(['scripts/start.ts'], {
      RAFIKI_DATA_DIR: backend.dataDir,
      RAFIKI_ADMIN_PORT: '0',
      DATABASE_URL: backend.databaseUrl,
      RAFIKI_SUPERADMIN_PASSWORD: 'superadmin-password',
    });
    url = (await admin.waitFor(/Rafiki Admin\s+(http:\/\/\S+)/))[1]!;
  });
  afterAll(async () => {
    admin.process.kill('SIGTERM');
    await admin.process.exited;
    await backend.dispose();
  });

  test("streams through the Admin without holding it: resident memory stays under 150 MB", async () => {
    const client = new Client({ adminUrl: url });
    await client.login('superadmin@rafiki', 'superadmin-password');
    const pid = admin.process.pid;
    const before = memory(pid);
    let highest = before.rss;
    const sampler = setInterval(() => {
      highest = Math.max(highest, memory(pid).rss);
    }, 50);
    const error = await client.createDataset({ name: 'big', task: 'TABULAR_CLASSIFICATION', file: generatedCsv(SIZE) }).then(() => undefined, (e: unknown) => e);
    clearInterval(sampler);
    const after = memory(pid);
    // The check read the whole file and found the ragged line: it all arrived.
    expect(error).toBeInstanceOf(RafikiClientError);
    expect((error as RafikiClientError).message).toContain('line 3');
    console.log(`Admin memory: ${Math.round(before.rss / MB)} MB before, ${Math.round(highest / MB)} MB highest sampled, peak ${Math.round(after.peak / MB)} MB`);
    if (backendName === 'server') expect(highest).toBeLessThan(150 * MB);
    else expect(highest - before.rss).toBeLessThan(100 * MB);
  });
});
