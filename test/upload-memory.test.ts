/**
 * A 300 MB dataset upload streams through the Admin: its resident memory grows
 * by less than 100 MB on every store backend. The Admin runs as its own process
 * (`bun scripts/start.ts`) so that its memory is measured alone, from /proc: its
 * peak (VmHWM) is reset just before the upload and read after it, so that no
 * peak between two samples is missed. A first, smaller upload goes before, so
 * that what the Admin does once, at its first upload, is not counted as growth.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { Client, RafikiClientError } from '../src/client/index.ts';
import { backendNames, createBackend, type Backend } from './support/databases.ts';
import { spawnScript, type Spawned } from './support/processes.ts';

setDefaultTimeout(180_000);

const MB = 1024 * 1024;
const SIZE = 300 * MB;

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(status.match(new RegExp(`${key}:\\s+(\\d+) kB`))?.[1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Sets the process's peak resident memory back to what it holds now (Linux's clear_refs, value 5). */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** A CSV of `size` bytes whose third line is ragged, so that the check after the upload fails at once. */
async function* generatedCsv(size: number): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  yield encoder.encode('a,b,label\n1,2,x\n3,y\n');
  const block = encoder.encode('1.5,2.5,x\n'.repeat(6_554));
  for (let sent = 0; sent < size; sent += block.byteLength) yield block;
}

/** Uploads `size` bytes that all arrive (the check read them and found the ragged line). */
async function uploadRagged(client: Client, size: number): Promise<void> {
  const error = await client.createDataset({ name: 'big', task: 'TABULAR_CLASSIFICATION', file: generatedCsv(size) }).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RafikiClientError);
  expect((error as RafikiClientError).message).toContain('line 3');
}

describe.each(backendNames)('a 300 MB upload on %s', (backendName) => {
  let backend: Backend;
  let admin: Spawned;
  let client: Client;

  beforeAll(async () => {
    backend = await createBackend(backendName);
    admin = spawnScript(['scripts/start.ts'], {
      RAFIKI_DATA_DIR: backend.dataDir,
      RAFIKI_ADMIN_PORT: '0',
      DATABASE_URL: backend.databaseUrl,
      RAFIKI_SUPERADMIN_PASSWORD: 'superadmin-password',
    });
    const url = (await admin.waitFor(/Rafiki Admin\s+(http:\/\/\S+)/))[1]!;
    client = new Client({ adminUrl: url });
    await client.login('superadmin@rafiki', 'superadmin-password');
    await uploadRagged(client, 40 * MB);
  });
  afterAll(async () => {
    admin.process.kill('SIGTERM');
    await admin.process.exited;
    await backend.dispose();
  });

  test('streams through the Admin without holding it: resident memory grows by less than 100 MB', async () => {
    const pid = admin.process.pid;
    resetPeak(pid);
    const before = memory(pid).rss;
    await uploadRagged(client, SIZE);
    const { peak } = memory(pid);
    console.log(`Admin memory on ${backendName}: ${Math.round(before / MB)} MB before, peak ${Math.round(peak / MB)} MB: grew by ${Math.round((peak - before) / MB)} MB`);
    expect(peak - before).toBeLessThan(100 * MB);
    // Without PGlite's WebAssembly heap, the whole Admin stays small.
    if (backendName === 'server') expect(peak).toBeLessThan(150 * MB);
  });
});
