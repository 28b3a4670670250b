/** `bun run start` as a user runs it: printed URLs and credentials, a clean stop, data kept across restarts. */
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from 'bun:test';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '../src/client/index.ts';
import { backendNames, createBackend, type Backend } from './support/databases.ts';
import { ROOT, spawnScript } from './support/processes.ts';

// Real servers and subprocesses on 2 busy cores: more than the default 5 s.
/** `dir` and every file and folder below it, not following links. */
function entriesUnder(dir: string): string[] {
  return [dir, ...readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isSymbolicLink() ? [] : entry.isDirectory() ? entriesUnder(path) : [path];
  })];
}

setDefaultTimeout(60_000);

for (const backendName of backendNames) {
  describe(`bun run start on ${backendName}`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await createBackend(backendName, { empty: true });
    });
    afterAll(() => backend.dispose());

    async function start() {
      const child = spawnScript(['scripts/start.ts'], {
        RAFIKI_DATA_DIR: backend.dataDir,
        RAFIKI_ADMIN_PORT: '0',
        DATABASE_URL: backend.databaseUrl,
        RAFIKI_SUPERADMIN_PASSWORD: undefined,
        RAFIKI_JWT_PRIVATE_KEY: undefined,
      });
      const [, url] = await child.waitFor(/Rafiki Admin\s+(http:\/\/\S+)/);
      await child.waitFor(/Superadmin\s+.*\n/);
      return { child, url: url! };
    }

    async function stop(child: Awaited<ReturnType<typeof start>>['child']) {
      child.process.kill('SIGTERM');
      expect(await child.process.exited).toBe(0);
      expect(child.output()).toContain('SIGTERM: stopping');
    }

    test('first start makes a superadmin whose generated password is saved 0600; a restart keeps users and logins', async () => {
      const first = await start();
      const credentialsPath = join(backend.dataDir, 'superadmin.json');
      expect(first.child.output()).toContain(credentialsPath);
      expect(statSync(credentialsPath).mode & 0o777).toBe(0o600);
      expect(statSync(join(backend.dataDir, 'jwt-private-key.pem')).mode & 0o777).toBe(0o600);
      const { email, password } = JSON.parse(readFileSync(credentialsPath, 'utf8'));
      const client = new Client({ adminUrl: first.url });
      await client.login(email, password);
      await client.createUser({ email: 'kept@example.com', password: 'a long password', userType: 'APP_DEVELOPER' });
      await client.createDataset({ name: 'iris', task: 'TABULAR_CLASSIFICATION', file: join(ROOT, 'test/fixtures/iris.csv') });
      const tokenBefore = client.token!;
      await stop(first.child);
      // Everything the Admin wrote is its user's alone, the embedded database's files too: folders 0700, files 0600.
      expect(entriesUnder(backend.dataDir).filter((path) => (statSync(path).mode & 0o077) !== 0)).toEqual([]);
      // An upload cut off by the stop left a part in staging: the next start drops it.
      writeFileSync(join(backend.dataDir, 'datasets/staging/cut-off'), 'half an upload');

      const second = await start();
      expect(second.child.output()).not.toContain('generated password is in');
      expect(readdirSync(join(backend.dataDir, 'datasets/staging'))).toEqual([]);
      const again = new Client({ adminUrl: second.url, token: tokenBefore });
      expect((await again.getUsers()).map((u) => u.email)).toContain('kept@example.com');
      const developer = new Client({ adminUrl: second.url });
      expect((await developer.login('kept@example.com', 'a long password')).userType).toBe('APP_DEVELOPER');
      await stop(second.child);
    });
  });
}

test('a bad setting stops the start with a message naming the variable', async () => {
  const child = spawnScript(['scripts/start.ts'], { RAFIKI_ADMIN_PORT: 'eighty' });
  expect(await child.process.exited).toBe(2);
  expect(await new Response(child.process.stderr).text()).toContain('RAFIKI_ADMIN_PORT must be an integer from 0 to 65535, got "eighty"');
});
