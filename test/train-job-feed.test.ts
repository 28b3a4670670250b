/** A train job followed live through the SDK (`watchTrainJob`, server-sent events), and its trials' reports. */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import { Client, type TrainJobJson, type TrialJson, type TrialReportJson } from '../src/client/index.ts';
import { startTestAdmin, type TestAdmin } from './support/admin.ts';
import { failure } from './support/errors.ts';
import { BEHAVIOURS, prepare, slowJob, TASK } from './support/train-jobs.ts';

setDefaultTimeout(180_000);

let t: TestAdmin;
beforeAll(async () => {
  t = await startTestAdmin('embedded');
});
afterAll(() => t.dispose());

test('watching a job: everything first, then each change, ending with the job; what was seen is what is stored', async () => {
  const client = await slowJob(t.admin.url, 'watched', 4);
  const kinds: string[] = [];
  const trials = new Map<string, TrialJson>();
  const reports = new Map<string, TrialReportJson>();
  const statuses: TrainJobJson['status'][] = [];
  for await (const change of client.watchTrainJob('watched')) {
    kinds.push(change.event);
    if (change.event === 'job') statuses.push(change.data.status);
    if (change.event === 'trials') for (const trial of change.data) trials.set(trial.id, trial);
    if (change.event === 'reports') for (const report of change.data) reports.set(report.id, report);
  }
  expect(kinds.slice(0, 3)).toEqual(['job', 'trials', 'reports']);
  // Changes came after the first snapshot: trials started and ended while the stream was open.
  expect(kinds.filter((k) => k === 'trials').length).toBeGreaterThan(1);
  expect(statuses.at(-1)).toBe('STOPPED');

  const stored = await client.getTrials('watched');
  expect([...trials.values()].sort((a, b) => a.no - b.no)).toEqual(stored.sort((a, b) => a.no - b.no));
  const storedReports = await client.getTrialReports('watched');
  expect([...reports.values()].sort((a, b) => Number(a.id) - Number(b.id))).toEqual(storedReports);
  // SlowCentroid reports steps 1–5 of every trial; each report carries the Advisor's decision.
  expect(storedReports.length).toBeGreaterThanOrEqual(4);
  for (const report of storedReports) {
    expect(stored.map((x) => x.id)).toContain(report.trial_id);
    expect(['continue', 'stop']).toContain(report.decision);
  }

  // An ended job's feed is its state, then the end.
  const again: string[] = [];
  for await (const change of client.watchTrainJob('watched')) again.push(change.event);
  expect(again).toEqual(['job', 'trials', 'reports']);
});

test("another user's job, or none, is a 404 on the feed as on the job", async () => {
  expect((await failure(t.superadmin.watchTrainJob('nothing-here').next())).status).toBe(404);
  expect((await failure(t.superadmin.getTrialReports('nothing-here'))).status).toBe(404);
});

test('aborting the signal ends a watch at once, while it waits for the next change; the job runs on', async () => {
  // Its own user: the first test's user already has a template of this name.
  await t.superadmin.createUser({ email: 'watcher@example.com', password: 'a long password', userType: 'MODEL_DEVELOPER' });
  const client = new Client({ adminUrl: t.admin.url });
  await client.login('watcher@example.com', 'a long password');
  const { dataset, models: [model] } = await prepare(client, [['slow', BEHAVIOURS, 'SlowCentroid']]);
  await client.createTrainJob({ app: 'left', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [model!.id], budget: { MODEL_TRIAL_COUNT: 50 } });
  const stop = new AbortController();
  const seen: string[] = [];
  const ended = (async () => {
    for await (const change of client.watchTrainJob('left', -1, { signal: stop.signal })) {
      seen.push(change.event);
      // After the first snapshot the feed waits for changes: the abort comes while it waits.
      if (seen.length === 3) stop.abort();
    }
  })();
  expect(await ended.then(() => 'ended', (e: unknown) => (e as Error).name)).toBe('AbortError');
  expect(seen).toEqual(['job', 'trials', 'reports']);
  expect(['STARTED', 'RUNNING']).toContain((await client.getTrainJob('left')).status);
  await client.stopTrainJob('left');
});
