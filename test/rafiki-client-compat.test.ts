/**
 * Rafiki 0.2.0's Python client must work against this Admin unchanged. The script
 * makes its exact HTTP calls with `requests`. CI requires Python (RAFIKI_REQUIRE_PYTHON=1);
 * elsewhere the test runs where python3 with requests is installed.
 */
import { afterAll, beforeAll, describe, expect, test, setDefaultTimeout } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SUPERADMIN, startTestAdmin, type TestAdmin } from './support/admin.ts';

// Real servers and subprocesses on 2 busy cores: more than the default 5 s.
setDefaultTimeout(60_000);

const python = spawnSync('python3', ['-c', 'import requests'], { stdio: 'ignore' }).status === 0;
if (!python && process.env.RAFIKI_REQUIRE_PYTHON) throw new Error('RAFIKI_REQUIRE_PYTHON is set but python3 with requests is missing');

describe.if(python)('Rafiki 0.2.0 Python client', () => {
  let t: TestAdmin;
  beforeAll(async () => {
    t = await startTestAdmin('embedded');
  });
  afterAll(() => t.dispose());

  test('login, create_user, get_users and ban_user work unchanged', async () => {
    // Asynchronous: the Admin under test serves from this very process.
    const run = Bun.spawn(['python3', join(import.meta.dir, 'compat/rafiki_client.py'), t.admin.url, SUPERADMIN.email, SUPERADMIN.password], { stdout: 'pipe', stderr: 'pipe' });
    const [stdout, stderr] = await Promise.all([new Response(run.stdout).text(), new Response(run.stderr).text()]);
    expect(stderr).toBe('');
    expect(await run.exited).toBe(0);
    const steps = Object.fromEntries(stdout.trim().split('\n').map((line) => {
      const { step, value } = JSON.parse(line);
      return [step, value];
    }));
    expect(steps.login.user_type).toBe('SUPERADMIN');
    expect(steps.create_user).toMatchObject({ email: 'py-dev@example.com', user_type: 'APP_DEVELOPER', banned_date: null });
    expect(steps.get_users).toEqual(expect.arrayContaining(['superadmin@rafiki', 'py-dev@example.com']));
    expect(steps.ban_user.banned_date).toEqual(expect.any(String));
    expect(steps.duplicate.error.code).toBe('CONFLICT');
  });
});
