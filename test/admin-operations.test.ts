/**
 * Operating the Admin: its JSON-lines log of requests and of job and trial
 * transitions (RAFIKI_LOG_LEVEL), free of secrets, and its Prometheus metrics.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { join } from 'node:path';
import { startAdmin, type RunningAdmin } from '../src/admin/server.ts';
import { Client } from '../src/client/index.ts';
import { SUPERADMIN, testConfig } from './support/admin.ts';
import { createBackend, type Backend } from './support/databases.ts';
import { failure } from './support/errors.ts';
import { spawnScript } from './support/processes.ts';
import { finished, IRIS, TASK, TINY } from './support/train-jobs.ts';

setDefaultTimeout(120_000);

type Line = Record<string, unknown> & { level: string; msg: string; time: string };

describe('the Admin log and metrics', () => {
  let backend: Backend;
  let admin: RunningAdmin;
  let client: Client;
  const written: string[] = [];
  const lines = (): Line[] => written.map((line) => JSON.parse(line) as Line);
  const requests = () => lines().filter((l) => l.msg === 'request');
  const transitions = (entity: string) => lines().filter((l) => l.msg === 'transition' && l.entity === entity);

  beforeAll(async () => {
    backend = await createBackend('embedded');
    admin = await startAdmin(testConfig(backend, { RAFIKI_LOG_LEVEL: 'info' }), { writeLog: (line) => written.push(line) });
    client = new Client({ adminUrl: admin.url });
  });
  afterAll(async () => {
    client.close();
    await admin.stop();
    await backend.dispose();
  });

  test('each request is one JSON line: method, path, route, status, duration, user; no password or token in any line', async () => {
    const me = await client.login(SUPERADMIN.email, SUPERADMIN.password);
    await client.createUser({ email: 'ops@example.com', password: 'a secret passphrase', userType: 'APP_DEVELOPER' });
    await client.getUsers();
    expect((await fetch(`${admin.url}/no/such/path?token=abc`)).status).toBe(404);
    expect((await failure(client.createUser({ email: 'bad', password: 'x', userType: 'APP_DEVELOPER' }))).status).toBe(400);

    expect(written.every((line) => line.endsWith('\n') && line.indexOf('\n') === line.length - 1)).toBe(true);
    const seen = requests().map(({ method, path, route, status, user_id }) => ({ method, path, route, status, user_id }));
    expect(seen).toEqual([
      { method: 'POST', path: '/tokens', route: '/tokens', status: 200, user_id: null },
      { method: 'POST', path: '/users', route: '/users', status: 200, user_id: me.id },
      { method: 'GET', path: '/users', route: '/users', status: 200, user_id: me.id },
      { method: 'GET', path: '/no/such/path', route: 'unmatched', status: 404, user_id: null },
      { method: 'POST', path: '/users', route: '/users', status: 400, user_id: null },
    ]);
    for (const line of requests()) {
      expect(line.level).toBe('info');
      expect(typeof line.duration_ms).toBe('number');
      expect(Number.isNaN(Date.parse(line.time))).toBe(false);
    }
    const all = written.join('');
    for (const secret of [SUPERADMIN.password, 'a secret passphrase', client.token!, 'token=abc']) expect(all).not.toContain(secret);
  });

  test('each job and trial transition is a line; the metrics count requests, jobs and trials by status, trial durations and pending trials', async () => {
    const dataset = await client.createDataset({ name: 'iris', task: TASK, file: IRIS });
    const tiny = await client.createModel({ name: 'tiny', task: TASK, file: TINY, modelClass: 'TinyCentroid' });
    const created = await client.createTrainJob({ app: 'iris', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [tiny.id], budget: { MODEL_TRIAL_COUNT: 2, GPU_COUNT: 0 } });
    await finished(client, 'iris');
    await client.createInferenceJob('iris', -1, { GPU_COUNT: 0 });
    await client.stopInferenceJob('iris');

    expect(transitions('train_job').map((l) => [l.id, l.from, l.status])).toEqual([[created.id, null, 'STARTED'], [created.id, 'STARTED', 'RUNNING'], [created.id, 'RUNNING', 'STOPPED']]);
    expect(transitions('sub_train_job').map((l) => l.status)).toEqual(['RUNNING', 'STOPPED']);
    const trials = transitions('trial');
    // A trial ends COMPLETED, or TERMINATED when the early stopper ends it.
    expect(trials.map((l) => [l.no, l.status === 'RUNNING' ? 'RUNNING' : 'ENDED'])).toEqual([[1, 'RUNNING'], [1, 'ENDED'], [2, 'RUNNING'], [2, 'ENDED']]);
    const ended = trials.filter((l) => l.status !== 'RUNNING');
    expect(ended.every((l) => ['COMPLETED', 'TERMINATED'].includes(l.status as string) && typeof l.score === 'number' && typeof l.seconds === 'number')).toBe(true);
    expect(transitions('inference_job').map((l) => l.status)).toEqual(['STARTED', 'RUNNING', 'STOPPED']);

    const response = await fetch(`${admin.url}/metrics`, { headers: { authorization: `Bearer ${client.token}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toStartWith('text/plain');
    const text = await response.text();
    const value = (series: string) => Number(text.match(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm'))?.[1]);
    expect(value('rafiki_admin_http_requests_total{route="/users",method="GET",status="200"}')).toBe(1);
    expect(value('rafiki_admin_http_requests_total{route="unmatched",method="GET",status="404"}')).toBe(1);
    expect(value('rafiki_admin_http_request_duration_seconds_count{route="/train_jobs",method="POST"}')).toBe(1);
    expect(value('rafiki_train_jobs{status="STOPPED"}')).toBe(1);
    expect(value('rafiki_train_jobs{status="RUNNING"}')).toBe(0);
    expect(value('rafiki_inference_jobs{status="STOPPED"}')).toBe(1);
    const byStatus = (series: string) => value(`${series}{status="COMPLETED"}`) + (value(`${series}{status="TERMINATED"}`) || 0);
    expect(byStatus('rafiki_trials')).toBe(2);
    expect(value('rafiki_trials{status="ERRORED"}')).toBe(0);
    expect(value('rafiki_trials_pending')).toBe(0);
    expect(byStatus('rafiki_trial_duration_seconds_count')).toBe(2);
  });

  test('a job with a trial limit counts the trials it has yet to start as pending', async () => {
    const [dataset] = await client.getDatasets();
    const [tiny] = await client.getAvailableModels(TASK);
    await client.createTrainJob({ app: 'pending', task: TASK, trainDatasetId: dataset!.id, valDatasetId: dataset!.id, modelIds: [tiny!.id], budget: { MODEL_TRIAL_COUNT: 1000, GPU_COUNT: 0 } });
    const text = await client.getMetrics();
    const pending = Number(text.match(/^rafiki_trials_pending (\d+)$/m)?.[1]);
    expect(pending).toBeGreaterThan(900);
    expect(pending).toBeLessThanOrEqual(1000);
    await client.stopTrainJob('pending');
  });

  test('/metrics needs an admin: no token is 401, a developer 403', async () => {
    expect((await fetch(`${admin.url}/metrics`)).status).toBe(401);
    const developer = new Client({ adminUrl: admin.url });
    await developer.login('ops@example.com', 'a secret passphrase');
    const refused = await fetch(`${admin.url}/metrics`, { headers: { authorization: `Bearer ${developer.token}` } });
    expect(refused.status).toBe(403);
    developer.close();
  });
});

describe('RAFIKI_LOG_LEVEL', () => {
  test('bun run start writes request lines on stdout at info; health checks only at debug', async () => {
    const backend = await createBackend('embedded');
    const child = spawnScript(['scripts/start.ts'], {
      RAFIKI_DATA_DIR: backend.dataDir, RAFIKI_ADMIN_PORT: '0', RAFIKI_SUPERADMIN_PASSWORD: SUPERADMIN.password, RAFIKI_BUILTIN_MODELS: 'false', RAFIKI_LOG_LEVEL: 'info',
    });
    try {
      const [, url] = await child.waitFor(/Rafiki Admin\s+(http:\/\/\S+)/);
      await fetch(`${url}/health`);
      await fetch(`${url}/users`);
      const [line] = await child.waitFor(/^\{.*"path":"\/users".*\}$/m);
      expect(JSON.parse(line!)).toMatchObject({ level: 'info', msg: 'request', method: 'GET', path: '/users', status: 401, user_id: null });
      expect(child.output()).not.toContain('"path":"/health"');
    } finally {
      child.process.kill('SIGTERM');
      await child.process.exited;
      await backend.dispose();
    }
  });

  test('a level it does not know stops the start, naming the variable', async () => {
    const child = spawnScript(['scripts/start.ts'], { RAFIKI_LOG_LEVEL: 'loud' });
    expect(await child.process.exited).toBe(2);
    expect(await new Response(child.process.stderr).text()).toContain('RAFIKI_LOG_LEVEL must be one of debug, info, warn, error, got "loud"');
  });
});
