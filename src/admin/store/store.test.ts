/** The store's specification, run on every backend (embedded PGlite, a Postgres server). */
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from 'bun:test';
import postgres from 'postgres';
import { ACCESS_RIGHTS, JOB_STATUSES, SERVICE_KINDS, TASKS, TRIAL_STATUSES, USER_TYPES } from '../../common/domain.ts';
import { backendNames, createBackend, type Backend } from '../../../test/support/databases.ts';
import { openDatabase } from './database.ts';
import { listMigrations, migrate } from './migrate.ts';
import { openStore, type Store } from './store.ts';

// Real servers and subprocesses on 2 busy cores: more than the default 5 s.
setDefaultTimeout(60_000);

for (const backendName of backendNames) {
  describe(`store on ${backendName}`, () => {
    let backend: Backend;
    let store: Store;

    beforeAll(async () => {
      backend = await createBackend(backendName);
      store = await openStore({ url: backend.databaseUrl, dataDir: backend.dataDir });
    });
    afterAll(async () => {
      await store.close();
      await backend.dispose();
    });

    test('applies every migration once, and again is a no-op', async () => {
      const rows = await store.db.sql<{ version: number }[]>`select version from schema_migrations order by version`;
      expect(rows.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version));
      expect(await migrate(store.db.sql)).toEqual([]);
    });

    test('creates, finds, lists and bans users; emails are unique whatever their case', async () => {
      const created = await store.users.create({ email: 'Ann@Example.com', passwordHash: 'h', userType: 'APP_DEVELOPER' });
      expect(created?.email).toBe('ann@example.com');
      expect(await store.users.create({ email: 'ANN@example.com', passwordHash: 'h', userType: 'ADMIN' })).toBeNull();
      expect((await store.users.byEmail('ann@EXAMPLE.com'))?.id).toBe(created!.id);
      expect((await store.users.credentials('ann@example.com'))?.passwordHash).toBe('h');
      expect((await store.users.list()).map((u) => u.email)).toContain('ann@example.com');
      const banned = await store.users.ban(created!.id);
      expect(banned?.bannedAt).toBeInstanceOf(Date);
      expect(await store.users.ban(created!.id)).toBeNull();
      expect(await store.healthy()).toBe(true);
    });

    test("an owner's uploads under one name are its versions; lists pick the latest visible one of each", async () => {
      const owner = (await store.users.create({ email: 'versions@x', passwordHash: 'h', userType: 'MODEL_DEVELOPER' }))!;
      const other = (await store.users.create({ email: 'versions-other@x', passwordHash: 'h', userType: 'MODEL_DEVELOPER' }))!;
      const upload = (userId: string, name: string, accessRight: 'PUBLIC' | 'PRIVATE') => store.models.create({
        userId, name, task: 'TABULAR_REGRESSION', modelClass: 'M', dependencies: {}, accessRight, knobConfig: {}, code: new Uint8Array([1]),
      });
      const v1 = (await upload(owner.id, 'knn', 'PUBLIC'))!;
      const v2 = (await upload(owner.id, 'knn', 'PRIVATE'))!;
      const theirs = (await upload(other.id, 'knn', 'PUBLIC'))!;
      expect([v1.version, v2.version, theirs.version]).toEqual([1, 2, 1]);
      expect((await store.models.byOwnerAndName(owner.id, 'knn'))!.id).toBe(v2.id);
      expect((await store.models.byOwnerAndName(owner.id, 'knn', 1))!.id).toBe(v1.id);
      expect(await store.models.byOwnerAndName(owner.id, 'knn', 3)).toBeNull();
      const ids = (models: { id: string }[]) => models.map((m) => m.id).filter((id) => [v1.id, v2.id, theirs.id].includes(id)).sort();
      expect(ids(await store.models.available(owner.id, { task: 'TABULAR_REGRESSION' }))).toEqual([v2.id, theirs.id].sort());
      expect(ids(await store.models.available(owner.id, { allVersions: true }))).toEqual([v1.id, v2.id, theirs.id].sort());
      // The other owner sees only the public first version of the owner's knn.
      expect(ids(await store.models.available(other.id))).toEqual([v1.id, theirs.id].sort());
      expect(ids(await store.models.publicByName('knn'))).toEqual([v1.id, theirs.id].sort());
      expect(ids(await store.models.publicByName('knn', 2))).toEqual([]);
    });

    test('check constraints accept exactly the domain vocabularies', async () => {
      const sql = store.db.sql;
      const [user] = await sql<{ id: string }[]>`insert into users (email, password_hash, user_type) values ('v@x', 'h', 'ADMIN') returning id`;
      for (const userType of USER_TYPES) {
        await sql`insert into users (email, password_hash, user_type) values (${`${userType}@vocab`}, 'h', ${userType})`;
      }
      await expect(sql`insert into users (email, password_hash, user_type) values ('bad@vocab', 'h', 'ROOT')`).rejects.toThrow();
      for (const task of TASKS) {
        for (const access of ACCESS_RIGHTS) {
          await sql`insert into models (user_id, name, task, model_class, model_file, access_right, knob_config)
            values (${user!.id}, ${task + access}, ${task}, 'M', ${Buffer.from('x')}, ${access}, '{}')`;
        }
      }
      await expect(sql`insert into models (user_id, name, task, model_class, model_file, knob_config)
        values (${user!.id}, 'bad', 'IMAGE_SEGMENTATION', 'M', ${Buffer.from('x')}, '{}')`).rejects.toThrow();
      const checks = await sql<{ def: string }[]>`
        select pg_get_constraintdef(oid) as def from pg_constraint where contype = 'c'`;
      const text = checks.map((c) => c.def).join('\n');
      for (const value of [...JOB_STATUSES, ...TRIAL_STATUSES, ...SERVICE_KINDS]) expect(text).toContain(`'${value}'`);
    });
  });
}

describe.if(backendNames.includes('server'))('migrations on a Postgres server', () => {
  test('two processes migrating at once apply each migration exactly once', async () => {
    const backend = await createBackend('server');
    try {
      const a = postgres(backend.databaseUrl!, { max: 1, onnotice: () => {} });
      const b = postgres(backend.databaseUrl!, { max: 1, onnotice: () => {} });
      const [appliedA, appliedB] = await Promise.all([migrate(a), migrate(b)]);
      expect([...appliedA, ...appliedB].sort()).toEqual(listMigrations().map((m) => m.name).sort());
      await Promise.all([a.end(), b.end()]);
    } finally {
      await backend.dispose();
    }
  });
});

describe('embedded store', () => {
  test('keeps its data across a close and a reopen', async () => {
    const backend = await createBackend('embedded');
    try {
      const first = await openDatabase({ dataDir: backend.dataDir });
      await first.sql`insert into users (email, password_hash, user_type) values ('keep@me', 'h', 'APP_USER')`;
      await first.close();
      const second = await openDatabase({ dataDir: backend.dataDir });
      const rows = await second.sql`select email from users`;
      await second.close();
      expect(rows.map((r) => r.email)).toEqual(['keep@me']);
    } finally {
      await backend.dispose();
    }
  });
});
