/**
 * The rules on job and trial statuses, once: which statuses are still at work,
 * how a train job's status follows its sub-jobs, and what may be deployed.
 * The store, the training and inference managers and the routes ask these.
 */
import type { JobStatus, TrialStatus } from '../../common/domain.ts';

/** Statuses of a job (train, sub-train or inference) that still has work to do. */
export const ACTIVE_JOB_STATUSES = ['STARTED', 'RUNNING'] as const satisfies readonly JobStatus[];
/** Statuses of a trial that has not ended. */
export const ACTIVE_TRIAL_STATUSES = ['PENDING', 'RUNNING'] as const satisfies readonly TrialStatus[];

export const isActive = (status: JobStatus): boolean => (ACTIVE_JOB_STATUSES as readonly JobStatus[]).includes(status);
export const isTrialActive = (status: TrialStatus): boolean => (ACTIVE_TRIAL_STATUSES as readonly TrialStatus[]).includes(status);

/**
 * A train job's status from its sub-jobs': RUNNING while any runs (STARTED while
 * the active ones have not begun), then STOPPED, or ERRORED when every one ended
 * in error, with their errors joined.
 *
 * @example
 * trainJobStatus([{ status: 'ERRORED', error: 'boom' }, { status: 'STOPPED', error: null }]); // { status: 'STOPPED', error: null }
 */
export function trainJobStatus(subs: readonly { status: JobStatus; error: string | null }[]): { status: JobStatus; error: string | null } {
  if (subs.some((s) => isActive(s.status))) return { status: subs.some((s) => s.status === 'RUNNING') ? 'RUNNING' : 'STARTED', error: null };
  const allErrored = subs.length > 0 && subs.every((s) => s.status === 'ERRORED');
  return allErrored ? { status: 'ERRORED', error: subs.map((s) => s.error).filter(Boolean).join('; ') } : { status: 'STOPPED', error: null };
}

/** A trial that may be deployed: it completed, with a score. */
/** An inference job answers queries once RUNNING with its predictor's address. */
export const answersQueries = <J extends { status: JobStatus; predictorHost: string | null }>(job: J): job is J & { predictorHost: string } =>
  job.status === 'RUNNING' && job.predictorHost !== null;

export const isDeployable = (trial: { status: TrialStatus; score: number | null }): boolean => trial.status === 'COMPLETED' && trial.score !== null;

/**
 * Why a train job's trials cannot be deployed, or null when they can: a job
 * still at work is not (its best trials are not known yet); one that ended,
 * STOPPED or ERRORED, is when one of its trials completed.
 */
export function deployRefusal(
  job: { app: string; appVersion: number; status: JobStatus; error: string | null },
  trials: readonly { status: TrialStatus; score: number | null }[],
): string | null {
  const name = `train job ${job.app} v${job.appVersion}`;
  if (isActive(job.status)) return `${name} is ${job.status}; stop it or wait for it to end, then deploy its completed trials`;
  if (trials.some(isDeployable)) return null;
  const counts = new Map<TrialStatus, number>();
  for (const trial of trials) counts.set(trial.status, (counts.get(trial.status) ?? 0) + 1);
  const seen = counts.size === 0 ? 'it has no trials' : `its trials: ${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')}`;
  const why = job.status === 'ERRORED' && job.error ? `; the job's error: ${job.error}` : '';
  return `${name} (${job.status}) has no completed trial to deploy (${seen})${why}`;
}
