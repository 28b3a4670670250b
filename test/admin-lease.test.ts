/**
 * Admins sharing one database hold leases on the jobs they run (src/admin/lease.ts):
 * a second Admin never takes a live Admin's jobs, a stop sent to it reaches the
 * Admin that runs them, and the jobs of an Admin that died go on under another.
 * An embedded data directory serves one Admin at a time.
 */
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import { startAdmin } from '../src/admin/server.ts';
import { Client, RafikiClientError } from '../src/client/index.ts';
import { SUPERADMIN, testConfig } from './support/admin.ts';
import { createBackend, serverUrl } from './support/databases.ts';
import { spawnScript } from './support/processes.ts';
import { finished, slowJob, workerPids } from './support/train-jobs.ts';
import { isAlive, waitUntil } from './support/wait.ts';

setDefaultTimeout(180_000);

const LEASE = { RAFIKI_ADMIN_LEASE_SECONDS: '3' };
const INTERRUPTED = 'interrupted: the Admin stopped while it ran';

async function loggedIn(adminUrl: string): Promise<Client> {
  const client = new Client({ adminUrl });
  await client.login(SUPERADMIN.email, SUPERADMIN.password);
  return client;
}

test('a second Admin on the same embedded data directory is refused, naming the process that has it; the first goes on', async () => {
  const backend = await createBackend('embedded');
  const first = await startAdmin(testConfig(backend));
  try {
    const second = startAdmin(testConfig(backend));
    await expect(second).rejects.toThrow(`the embedded database in ${backend.dataDir}/db is open in process ${process.pid}`);
    expect((await (await loggedIn(first.url)).getUsers()).map((u) => u.email)).toContain(SUPERADMIN.email);
  } finally {
    await first.stop();
  }
  // Once the first has stopped, the directory is free again.
  const again = await startAdmin(testConfig(backend));
  await again.stop();
  await backend.dispose();
});

test('an Admin that finds its lease gone ends its work there, then claims the job again since no one took it', async () => {
  const backend = await createBackend('embedded');
  const admin = await startAdmin(testConfig(backend, LEASE));
  try {
    const client = await slowJob(admin.url, 'fenced', 12);
    await waitUntil('a running trial', async () => (await client.getTrials('fenced')).some((x) => x.status === 'RUNNING'));
    const pids = workerPids(await client.getTrainJob('fenced'));
    // What another Admin does when it finds this one's heartbeat too old.
    await admin.store.db.sql`delete from admins where id = ${admin.adminId}`;
    await waitUntil('the workers to end', async () => pids.every((pid) => !isAlive(pid)), 30_000);
    const job = await finished(client, 'fenced');
    expect(job.status).toBe('STOPPED');
    const trials = await client.getTrials('fenced');
    expect(trials.filter((x) => x.error === INTERRUPTED).length).toBeGreaterThanOrEqual(1);
    expect(trials.filter((x) => x.status === 'COMPLETED').length).toBe(12 - trials.filter((x) => x.error === INTERRUPTED).length);
  } finally {
    await admin.stop();
    await backend.dispose();
  }
});

describe.skipIf(!serverUrl)('two Admins on one Postgres server', () => {
  test('a second Admin that cannot take the port leaves the running job alone', async () => {
    const backend = await createBackend('server');
    const admin = await startAdmin(testConfig(backend));
    try {
      const client = await slowJob(admin.url, 'busy', 4);
      await waitUntil('a running trial', async () => (await client.getTrials('busy')).some((x) => x.status === 'RUNNING'));
      const pids = workerPids(await client.getTrainJob('busy'));
      await expect(startAdmin(testConfig(backend, { RAFIKI_ADMIN_PORT: String(admin.port) }))).rejects.toThrow();
      for (const pid of pids) expect(isAlive(pid)).toBe(true);
      const job = await finished(client, 'busy');
      expect(job.status).toBe('STOPPED');
      const trials = await client.getTrials('busy');
      expect(trials).toHaveLength(4);
      expect(trials.filter((x) => x.status !== 'COMPLETED' && x.status !== 'TERMINATED')).toEqual([]);
    } finally {
      await admin.stop();
      await backend.dispose();
    }
  });

  test("a second Admin leaves a live Admin's jobs alone; stops sent to it end them where they run", async () => {
    const backend = await createBackend('server');
    const first = await startAdmin(testConfig(backend, LEASE));
    const second = await startAdmin(testConfig(backend, LEASE));
    try {
      const client = await slowJob(first.url, 'shared', 40);
      await waitUntil('a running trial', async () => (await client.getTrials('shared')).some((x) => x.status === 'RUNNING'));
      const pids = workerPids(await client.getTrainJob('shared'));
      // Longer than a lease: the second Admin has renewed its own several times, and looked for free jobs each time.
      await Bun.sleep(4_500);
      for (const pid of pids) expect(isAlive(pid)).toBe(true);
      expect((await client.getTrials('shared')).filter((x) => x.error === INTERRUPTED)).toEqual([]);

      const other = await loggedIn(second.url);
      expect((await other.stopTrainJob('shared')).status).toBe('STOPPED');
      await waitUntil('the first Admin to end the workers', async () => pids.every((pid) => !isAlive(pid)), 30_000);
      const trials = await waitUntil('no trial running', async () => {
        const all = await client.getTrials('shared');
        return all.every((x) => x.status !== 'RUNNING') ? all : null;
      }, 30_000);
      expect(trials.length).toBeLessThan(40);
      expect(trials.filter((x) => x.status !== 'COMPLETED' && x.status !== 'TERMINATED')).toEqual([]);

      const deployed = await client.createInferenceJob('shared');
      expect(await client.predict(deployed.predictor_host!, [5.1, 3.5, 1.4, 0.2])).toHaveLength(3);
      expect((await other.stopInferenceJob('shared')).status).toBe('STOPPED');
      await waitUntil('the predictor to close', async () => {
        const error = await client.predict(deployed.predictor_host!, [5.1, 3.5, 1.4, 0.2]).then(() => null, (e: unknown) => e);
        return error instanceof RafikiClientError && error.code === 'NETWORK';
      }, 30_000);
    } finally {
      await second.stop();
      await first.stop();
      await backend.dispose();
    }
  });

  test('an Admin killed with SIGKILL: another Admin takes its job over and it ends well', async () => {
    const backend = await createBackend('server');
    const doomed = spawnScript(['scripts/start.ts'], {
      ...LEASE,
      RAFIKI_DATA_DIR: backend.dataDir,
      DATABASE_URL: backend.databaseUrl,
      RAFIKI_ADMIN_PORT: '0',
      RAFIKI_SUPERADMIN_PASSWORD: SUPERADMIN.password,
      RAFIKI_BUILTIN_MODELS: 'false',
    });
    const survivor = await startAdmin(testConfig(backend, LEASE));
    try {
      const [, doomedUrl] = await doomed.waitFor(/Rafiki Admin\s+(http:\/\/\S+)/);
      const client = await slowJob(doomedUrl!, 'orphan', 8);
      await waitUntil('two trials to finish', async () => (await client.getTrials('orphan')).filter((x) => x.status === 'COMPLETED').length >= 2);
      doomed.process.kill('SIGKILL');
      await doomed.process.exited;

      const other = await loggedIn(survivor.url);
      const job = await finished(other, 'orphan');
      expect(job.status).toBe('STOPPED');
      const trials = await other.getTrials('orphan');
      expect(trials.map((x) => x.no).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      // What ran when its Admin died is recorded as interrupted; everything else completed.
      expect(trials.filter((x) => x.error === INTERRUPTED).length).toBeGreaterThanOrEqual(1);
      expect(trials.filter((x) => x.status !== 'COMPLETED' && x.error !== INTERRUPTED)).toEqual([]);
    } finally {
      doomed.process.kill('SIGKILL');
      await survivor.stop();
      await backend.dispose();
    }
  });
});
