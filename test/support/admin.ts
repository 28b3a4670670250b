/** Disposable Admins for tests: real servers on free ports, on a chosen store backend. */
import { loadConfig, type Config } from '../../src/common/config.ts';
import { startAdmin, type RunningAdmin } from '../../src/admin/server.ts';
import { Client } from '../../src/client/index.ts';
import { createBackend, type Backend } from './databases.ts';

export const SUPERADMIN = { email: 'superadmin@rafiki', password: 'superadmin-password' };

export function testConfig(backend: Backend, env: Record<string, string> = {}): Config {
  return loadConfig({
    RAFIKI_DATA_DIR: backend.dataDir,
    RAFIKI_ADMIN_PORT: '0',
    RAFIKI_SUPERADMIN_PASSWORD: SUPERADMIN.password,
    // Checking the six built-in templates costs seconds; the tests that want them say so.
    RAFIKI_BUILTIN_MODELS: 'false',
    // The Admin's request and job log is tested where it is asked for; elsewhere only errors.
    RAFIKI_LOG_LEVEL: 'error',
    ...(backend.databaseUrl ? { DATABASE_URL: backend.databaseUrl } : {}),
    ...env,
  });
}

export interface TestAdmin {
  backend: Backend;
  admin: RunningAdmin;
  /** A client logged in as the superadmin. */
  superadmin: Client;
  /** Stops the Admin and removes its database and data directory. */
  dispose(): Promise<void>;
}

export async function startTestAdmin(backendName: Backend['name'], env: Record<string, string> = {}): Promise<TestAdmin> {
  const backend = await createBackend(backendName);
  const admin = await startAdmin(testConfig(backend, env));
  const superadmin = new Client({ adminUrl: admin.url });
  await superadmin.login(SUPERADMIN.email, env.RAFIKI_SUPERADMIN_PASSWORD ?? SUPERADMIN.password);
  return {
    backend,
    admin,
    superadmin,
    async dispose() {
      await admin.stop();
      await backend.dispose();
    },
  };
}
