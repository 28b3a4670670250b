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

  /** Runs a scenario of the Python script; answers each step's value by name. */
  async function python(scenario: string, ...args: string[]): Promise<Record<string, any>> {
    // Asynchronous: the Admin under test serves from this very process.
    const run = Bun.spawn(['python3', join(import.meta.dir, 'compat/rafiki_client.py'), t.admin.url, SUPERADMIN.email, SUPERADMIN.password, scenario, ...args], { stdout: 'pipe', stderr: 'pipe' });
    const [stdout, stderr] = await Promise.all([new Response(run.stdout).text(), new Response(run.stderr).text()]);
    expect(stderr).toBe('');
    expect(await run.exited).toBe(0);
    return Object.fromEntries(stdout.trim().split('\n').map((line) => {
      const { step, value } = JSON.parse(line);
      return [step, value];
    }));
  }

  test('login, create_user, get_users and ban_user work unchanged', async () => {
    const steps = await python('users');
    expect(steps.login.user_type).toBe('SUPERADMIN');
    expect(steps.create_user).toMatchObject({ email: 'py-dev@example.com', user_type: 'APP_DEVELOPER', banned_date: null });
    expect(steps.get_users).toEqual(expect.arrayContaining(['superadmin@rafiki', 'py-dev@example.com']));
    expect(steps.ban_user.banned_date).toEqual(expect.any(String));
    expect(steps.duplicate.error.code).toBe('CONFLICT');
  });

  test('create_model with a TypeScript template, get_available_models, get_model, download_model_file, create_dataset, get_datasets', async () => {
    const steps = await python('models', join(import.meta.dir, 'fixtures/templates/tiny-centroid.ts'), join(import.meta.dir, 'fixtures/iris.csv'));
    expect(steps.create_model).toMatchObject({ name: 'py-template', model_class: 'TinyCentroid', access_right: 'PUBLIC', dependencies: {} });
    expect(steps.get_available_models).toContain(steps.create_model.id);
    expect(steps.get_model.knob_config.metric).toEqual({ type: 'categorical', values: ['euclidean', 'manhattan'] });
    expect(steps.download_model_file).toBe(true);
    expect(steps.create_dataset.stats).toMatchObject({ rows: 150, classes: ['setosa', 'versicolor', 'virginica'] });
    expect(steps.get_datasets).toEqual(['py-iris']);
    expect(steps.delete_model).toBe(steps.create_model.id);
  });

  test('create_train_job, get_train_job, trials, best trials, logs, stop_train_job; create_inference_job, predict, get_running_inference_job, stop_inference_job', async () => {
    const steps = await python('train', join(import.meta.dir, 'fixtures/templates/tiny-centroid.ts'), join(import.meta.dir, 'fixtures/iris.csv'));
    // Rafiki's client adds GPU_COUNT: 1 unless told otherwise; this machine has no GPU.
    expect(steps.gpu_default.error.message).toBe('budget: GPU_COUNT is 1 but this Rafiki has no GPU; use 0');
    expect(steps.create_train_job).toMatchObject({ app: 'py-app', app_version: 1 });
    expect(steps.get_train_job.status).toBe('STOPPED');
    expect(steps.get_trials_of_train_job).toHaveLength(3);
    expect(steps.get_best_trials_of_train_job.length).toBeGreaterThan(0);
    expect(steps.get_best_trials_of_train_job[0].score).toBeGreaterThan(0.5);
    expect(Object.keys(steps.get_trial_logs).sort()).toEqual(['messages', 'metrics', 'plots']);
    expect(steps.get_trial_logs.messages[0].message).toBe('fitted 3 centroids');
    expect(steps.stop_train_job).toMatchObject({ app_version: 2, status: 'STOPPED' });
    expect(steps.create_inference_job).toMatchObject({ app: 'py-app', app_version: 1, status: 'RUNNING' });
    expect(steps.predict.prediction).toHaveLength(3);
    expect(steps.get_running_inference_job.id).toBe(steps.create_inference_job.id);
    expect(steps.get_inference_jobs_of_app).toEqual([steps.create_inference_job.id]);
    expect(steps.stop_inference_job.status).toBe('STOPPED');
  });
});
