/**
 * A train job as it changes, for whoever follows it live (the dashboard, the
 * SDK's `watchTrainJob`): first everything, then each trial as it starts or ends,
 * each report as it comes, and the job's status, until the job has ended.
 *
 * It reads the store, not the Admin's memory, so any Admin serves the feed of
 * any job, whichever Admin runs it. Rows are read again for a while after they
 * changed (`OVERLAP_MS`): a transaction that commits late is not missed, and
 * what was already sent is not sent twice.
 */
import { isActive } from '../jobs/statuses.ts';
import type { Store } from '../store/store.ts';
import type { TrainJobRecord } from '../store/train-jobs.ts';
import type { TrialRecord, TrialReport } from '../store/trials.ts';

export type FeedEvent =
  | { kind: 'job'; job: TrainJobRecord }
  | { kind: 'trials'; trials: TrialRecord[] }
  | { kind: 'reports'; reports: TrialReport[] };

export const FEED_POLL_MS = 250;
const OVERLAP_MS = 2_000;

export async function* followTrainJob(store: Store, jobId: string, signal: AbortSignal): AsyncGenerator<FeedEvent> {
  let job = await store.trainJobs.byId(jobId);
  if (!job) return;
  const trials = await store.trials.ofTrainJob(jobId);
  const reports = await store.trials.reports(jobId);
  yield { kind: 'job', job };
  yield { kind: 'trials', trials };
  yield { kind: 'reports', reports };

  const sentTrials = new Map(trials.map((t) => [t.id, t.updatedAt.getTime()]));
  const sentReports = new Map(reports.map((r) => [r.id, r.reportedAt.getTime()]));
  const latest = (times: Iterable<number>) => {
    let max = 0;
    for (const time of times) max = Math.max(max, time);
    return max;
  };
  let trialsSince = latest(sentTrials.values());
  let reportsSince = latest(sentReports.values());

  while (isActive(job.status) && !signal.aborted) {
    await Bun.sleep(FEED_POLL_MS);
    const now = await store.trainJobs.byId(jobId);
    if (!now) return;
    // The job is read before its trials: what came before its end is read after it, and sent before the feed ends.
    const changed = (await store.trials.changedSince(jobId, new Date(trialsSince - OVERLAP_MS)))
      .filter((t) => sentTrials.get(t.id) !== t.updatedAt.getTime());
    const reported = (await store.trials.reports(jobId, new Date(reportsSince - OVERLAP_MS))).filter((r) => !sentReports.has(r.id));
    for (const t of changed) sentTrials.set(t.id, t.updatedAt.getTime());
    for (const r of reported) sentReports.set(r.id, r.reportedAt.getTime());
    trialsSince = Math.max(trialsSince, latest(changed.map((t) => t.updatedAt.getTime())));
    reportsSince = Math.max(reportsSince, latest(reported.map((r) => r.reportedAt.getTime())));
    // Only the window's report ids are needed to tell what was sent.
    for (const [id, time] of sentReports) if (time < reportsSince - 2 * OVERLAP_MS) sentReports.delete(id);
    if (changed.length > 0) yield { kind: 'trials', trials: changed };
    if (reported.length > 0) yield { kind: 'reports', reports: reported };
    if (now.status !== job.status || now.stoppedAt?.getTime() !== job.stoppedAt?.getTime()) yield { kind: 'job', job: now };
    job = now;
  }
}
