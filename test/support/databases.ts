/**
 * The store backends a test runs on: the embedded PGlite always, and a fresh
 * database on the Postgres server of DATABASE_URL when it is set (CI sets it).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '../../src/admin/store/database.ts';

export interface Backend {
  name: 'embedded' | 'server';
  /** A DATABASE_URL for a new, empty database, or undefined for embedded. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Drops the database and the data directory. */
  dispose(): Promise<void>;
}

export const serverUrl = process.env.DATABASE_URL;

export function tempDir(prefix = 'rafiki-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

let template: Promise<string> | undefined;

/**
 * A migrated, empty PGlite data directory made once per test run: copying it is
 * much faster than PGlite's first start, which runs initdb.
 */
function embeddedTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = tempDir('rafiki-template-');
    const db = await openDatabase({ dataDir: dir });
    await db.close();
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  })();
  return template;
}

/** `empty`: a data directory without a database, to test the first start itself. */
export async function createBackend(name: Backend['name'], { empty = false } = {}): Promise<Backend> {
  const dataDir = tempDir();
  if (name === 'embedded') {
    if (!empty) cpSync(join(await embeddedTemplate(), 'db'), join(dataDir, 'db'), { recursive: true });
    return { name, databaseUrl: undefined, dataDir, dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  if (!serverUrl) throw new Error('the server backend needs DATABASE_URL');
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const database = `rafiki_t_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await admin.unsafe(`create database ${database}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return {
    name,
    databaseUrl: url.toString(),
    dataDir,
    async dispose() {
      const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists ${database} with (force)`);
      await sql.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The backends to run a suite on. */
export const backendNames: Backend['name'][] = serverUrl ? ['embedded', 'server'] : ['embedded'];
if (!serverUrl && process.env.CI) throw new Error('CI must set DATABASE_URL so the Postgres tests run');
