/**
 * The one SQL connection of the Admin: postgres.js, talking either to a Postgres
 * server (`DATABASE_URL`) or to an embedded PGlite served on loopback.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
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

async function openEmbedded(directory: string): Promise<Database> {
  mkdirSync(directory, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  // Postgres' default 128 MB of shared buffers would be WebAssembly memory held by the Admin.
  const pglite = await PGlite.create(directory, { postgresqlconf: ['shared_buffers = 16MB'] });
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
    },
  };
}
