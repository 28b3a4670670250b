/** A train job followed live through the SDK (`watchTrainJob`, server-sent events), and its trials' reports. */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import type { TrainJobJson, TrialJson, TrialReportJson } from '../src/client/index.ts';
import { startTestAdmin, type TestAdmin } from './support/admin.ts';
import { failure } from './support/errors.ts';
import { slowJob } from './support/train-jobs.ts';

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
