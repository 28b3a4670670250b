/**
 * The one SQL connection of the Admin: postgres.js, talking either to a Postgres
 * server (`DATABASE_URL`) or to an embedded PGlite served on loopback.
 */
import { chmodSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { processAlive } from '../../common/process-alive.ts';
import { migrate } from './migrate.ts';

export type Sql = postgres.Sql;

export interface Database {
  sql: Sql;
  kind: 'server' | 'embedded';
  /** Ends connections and, when embedded, closes PGlite so its files are consistent. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A Postgres server; without it PGlite runs on `dataDir/db`. */
  url?: string | undefined;
  dataDir: string;
}

// Postgres reports NOTICEs (e.g. "relation already exists, skipping"); they are not news.
const quiet = { onnotice: () => {} };

/**
 * Opens the store and applies pending migrations.
 *
 * @example
 * const db = await openDatabase({ url: process.env.DATABASE_URL, dataDir: '.rafiki' });
 * const [row] = await db.sql`select 1 as one`;
 * await db.close();
 */
export async function openDatabase({ url, dataDir }: OpenDatabaseOptions): Promise<Database> {
  const db = url ? openServer(url) : await openEmbedded(join(dataDir, 'db'));
  try {
    await migrate(db.sql);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

function openServer(url: string): Database {
  const sql = postgres(url, { ...quiet, max: 10 });
  return { sql, kind: 'server', close: () => sql.end({ timeout: 5 }) };
}

/**
 * PGlite's files belong to one process: a second one opening them would corrupt
 * them. The lock names its holder, so a lock left by a process that died is taken over.
 */
function lockDirectory(directory: string): () => void {
  const path = join(directory, 'rafiki.lock');
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(path, 'utf8'));
    if (holder > 0 && processAlive(holder)) {
      throw new Error(`the embedded database in ${directory} is open in process ${holder}: one Admin per data directory (several Admins share a Postgres server, DATABASE_URL)`);
    }
    rmSync(path, { force: true });
  }
}

/** PGlite creates its files 0666 whatever the umask; the data directory's are its user's alone. */
function keepPrivate(path: string): void {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) keepPrivate(child);
    chmodSync(child, entry.isDirectory() ? 0o700 : 0o600);
  }
}

async function openEmbedded(directory: string): Promise<Database> {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const unlock = lockDirectory(directory);
  try {
    return await openPglite(directory, unlock);
  } catch (error) {
    unlock();
    throw error;
  }
}

async function openPglite(directory: string, unlock: () => void): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  // Postgres' default 128 MB of shared buffers would be WebAssembly memory held by the Admin.
  const pglite = await PGlite.create(directory, { postgresqlconf: ['shared_buffers = 16MB'] });
  keepPrivate(directory);
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0 });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  // PGlite is one session: a second connection would interleave transactions.
  const sql = postgres({ host: '127.0.0.1', port, username: 'postgres', database: 'postgres', max: 1, ...quiet });
  return {
    sql,
    kind: 'embedded',
    async close() {
      await sql.end({ timeout: 5 });
      await server.stop();
      await pglite.close();
      keepPrivate(directory);
      unlock();
    },
  };
}
