/**
 * Hostile templates (test/fixtures/hostile/hostile.ts) uploaded, trained and
 * deployed on an Admin that requires the sandbox, on every store backend: every
 * attempt to reach the Admin's secrets, another tenant's data, the network, a
 * shell or the project fails, at import (in the upload's check, the train
 * worker and the inference worker), in train and in predict; nothing secret
 * comes out in any answer or log; no process outlives its check or job; the
 * Admin's state is unchanged; and the template still trains and serves.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '../src/client/index.ts';
import { startTestAdmin, type TestAdmin } from './support/admin.ts';
import { backendNames } from './support/databases.ts';
import { failure } from './support/errors.ts';
import { sandboxProblem } from './support/services.ts';
import { waitUntil } from './support/wait.ts';

setDefaultTimeout(180_000);

const ROOT = resolve(import.meta.dir, '..');
const HOSTILE = readFileSync(join(import.meta.dir, 'fixtures/hostile/hostile.ts'), 'utf8');
const IRIS = join(import.meta.dir, 'fixtures/iris.csv');
const TASK = 'TABULAR_CLASSIFICATION';
const problem = await sandboxProblem();
/** What a sandboxed process's environment holds (bubblewrap.ts). */
const SANDBOX_ENV = ['PATH', 'HOME', 'TMPDIR', 'NODE_ENV', 'BUN_RUNTIME_TRANSPILER_CACHE_PATH', 'NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE'];

interface Targets { read: string[]; write: string[]; ports: number[]; marker: string; throwAtImport: boolean; childMb: number }

/** The hostile template aimed at `targets`, as the bytes of an upload. */
function hostile(targets: Targets): Uint8Array {
  return new TextEncoder().encode(HOSTILE.replace(/'\/\*TARGETS\*\/[^']*'/, JSON.stringify(JSON.stringify(targets))));
}

/** Pids of processes whose command line holds `marker`. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
    } catch {
      return false;
    }
  }).map(Number);
}

for (const backendName of backendNames) {
  describe.skipIf(problem !== null)(`hostile templates on ${backendName}`, () => {
    let t: TestAdmin;
    let attacker: Client;
    let secrets: string[];
    let targets: Targets;
    let usersBefore: string;

    beforeAll(async () => {
      t = await startTestAdmin(backendName, { RAFIKI_SANDBOX: 'required', RAFIKI_WORKER_MEMORY_MB: '768', RAFIKI_TEMPLATE_CHECK_SECONDS: '60' });
      const { dataDir } = t.backend;
      for (const [email, userType] of [['victim@rafiki', 'APP_DEVELOPER'], ['attacker@rafiki', 'MODEL_DEVELOPER']] as const) {
        await t.superadmin.createUser({ email, password: 'a-password-1', userType });
      }
      const victim = new Client({ adminUrl: t.admin.url });
      await victim.login('victim@rafiki', 'a-password-1');
      const marker = `victim-row-${crypto.randomUUID()}`;
      const victims = await victim.createDataset({ name: 'private', task: TASK, file: new TextEncoder().encode(`note,label\n${marker},a\nother,b\n`) });
      attacker = new Client({ adminUrl: t.admin.url });
      await attacker.login('attacker@rafiki', 'a-password-1');
      // The signing key's base64 body: a leak of it need not carry the PEM's header.
      const signingKey = readFileSync(join(dataDir, 'jwt-private-key.pem'), 'utf8').split('\n').filter((line) => line && !line.startsWith('-----')).join('');
      secrets = [signingKey, 'superadmin-password', 'a-password-1', marker, ...(t.backend.databaseUrl ? [t.backend.databaseUrl] : [])];
      targets = {
        read: [join(dataDir, 'jwt-private-key.pem'), join(dataDir, 'superadmin.json'), dataDir, join(dataDir, 'db'), join(dataDir, 'datasets', victims.sha256.slice(0, 2), victims.sha256),
          '/proc/1/environ', `/proc/${process.pid}/environ`, `/proc/${process.pid}/cmdline`, '/etc/shadow'],
        write: [join(ROOT, 'src/backdoor.ts'), join(dataDir, 'backdoor.ts'), join(dataDir, 'jwt-private-key.pem')],
        ports: [t.admin.port, 5432, 6379],
        marker: `rafiki-hostile-${crypto.randomUUID()}`,
        throwAtImport: false,
        childMb: 0,
      };
      usersBefore = JSON.stringify((await t.superadmin.getUsers()).map((u) => [u.email, u.user_type]));
    });
    afterAll(async () => {
      attacker?.close();
      await t?.dispose();
    });

    /**
     * A report came out, every attempt in it failed, and it carries no secret. The one
     * read that works is /proc/1/environ, which in the sandbox is its own init's: the
     * environment the sandbox set, and nothing else.
     */
    function expectNothingGotOut(text: string, stages: string[]): void {
      for (const stage of stages) expect(text).toContain(`${stage} read ${targets.read[0]}: failed`);
      const succeeded = text.split(/\\n|\n/).filter((line) => line.includes('SUCCEEDED'));
      for (const line of succeeded) {
        expect(line).toContain('read /proc/1/environ: SUCCEEDED');
        // Variables are separated by NUL, which the store keeps as U+FFFD, and JSON writes as \u0000.
        const names = [...line.matchAll(/(?:\\u0000|\u0000|\uFFFD|SUCCEEDED )([A-Z_]+)=/g)].map((m) => m[1]);
        expect(names.length).toBeGreaterThan(0);
        expect(names.filter((name) => !SANDBOX_ENV.includes(name!))).toEqual([]);
      }
      for (const secret of secrets) expect(text).not.toContain(secret);
    }

    async function noneLeft(): Promise<void> {
      await waitUntil('the hostile template\'s detached processes to end', async () => processesWith(targets.marker).length === 0, 10_000);
    }

    test('at import in the upload check: every attempt fails, its report leaks nothing, nothing outlives the check', async () => {
      const error = await failure(attacker.createModel({ name: 'throws', task: TASK, file: hostile({ ...targets, throwAtImport: true }), modelClass: 'Hostile' }));
      expect(error.status).toBe(400);
      expectNothingGotOut(error.message, ['import']);
      await noneLeft();
    });

    test('a child holding more memory than a worker may is stopped, and the upload refused', async () => {
      const error = await failure(attacker.createModel({ name: 'greedy', task: TASK, file: hostile({ ...targets, childMb: 1500 }), modelClass: 'Hostile' }));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/the template was stopped while being checked: \d+ MB used, over the limit of 768 MB/);
      await noneLeft();
    });

    test('in training and serving: it still trains and serves, every attempt fails, logs and answers leak nothing', async () => {
      const model = await attacker.createModel({ name: 'hostile', task: TASK, file: hostile(targets), modelClass: 'Hostile' });
      await noneLeft();
      const dataset = await attacker.createDataset({ name: 'iris', task: TASK, file: IRIS });
      await attacker.createTrainJob({ app: 'hostile', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [model.id], budget: { MODEL_TRIAL_COUNT: 1, GPU_COUNT: 0 } });
      await waitUntil('the train job to stop', async () => ['STOPPED', 'ERRORED'].includes((await attacker.getTrainJob('hostile')).status));
      const [trial] = await attacker.getTrials('hostile');
      expect(trial).toMatchObject({ status: 'COMPLETED', score: 0.5 });
      const logs = await attacker.getTrialLogs(trial!.id);
      expectNothingGotOut(JSON.stringify(logs), ['import', 'train']);
      await noneLeft();

      const job = await attacker.createInferenceJob('hostile');
      expect(job.status).toBe('RUNNING');
      const answer = await failure(attacker.predict(job.predictor_host!, [5.1, 3.5, 1.4, 0.2]));
      expect(answer.status).toBe(400);
      expectNothingGotOut(answer.message, ['import', 'predict']);
      await attacker.stopInferenceJob('hostile');
      await noneLeft();
    });

    test("afterwards the Admin's state is unchanged: no file written, no object changed, no user changed", async () => {
      for (const path of targets.write.slice(0, 2)) expect(existsSync(path)).toBe(false);
      expect(readFileSync(join(t.backend.dataDir, 'jwt-private-key.pem'), 'utf8')).toContain(secrets[0]!);
      expect(({} as Record<string, unknown>).hostile).toBeUndefined();
      expect(JSON.stringify((await t.superadmin.getUsers()).map((u) => [u.email, u.user_type]))).toBe(usersBefore);
    });
  });
}
