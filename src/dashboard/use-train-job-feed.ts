/**
 * A train job live, for a page: the job, its trials and their reports, kept
 * current from the Admin's server-sent events (`watchTrainJob`) until the job
 * ends. Changes that arrive together are shown together, at the next frame. A
 * stream that breaks is opened again (it starts with everything, so nothing is
 * missed); leaving the page closes it.
 */
import { useEffect, useState } from 'preact/hooks';
import type { TrainJobJson, TrialJson, TrialReportJson } from '../admin/schemas/train-jobs.ts';
import { RafikiClientError } from './api.ts';
import { useSession } from './app-session.ts';

export interface JobFeed {
  job: TrainJobJson | undefined;
  /** By template, then number. */
  trials: TrialJson[];
  reports: TrialReportJson[];
  /** Whether the stream is open (false once the job has ended, or while it is being opened again). */
  live: boolean;
  error: unknown;
}

const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

export function useTrainJobFeed(app: string, version: number): JobFeed {
  const { api, expired } = useSession();
  const [feed, setFeed] = useState<JobFeed>({ job: undefined, trials: [], reports: [], live: false, error: undefined });

  useEffect(() => {
    const stop = new AbortController();
    let job: TrainJobJson | undefined;
    const trials = new Map<string, TrialJson>();
    const reports = new Map<string, TrialReportJson>();
    let frame = 0;
    const show = (state: Pick<JobFeed, 'live' | 'error'>) => {
      cancelAnimationFrame(frame);
      frame = 0;
      setFeed({
        job,
        trials: [...trials.values()].sort((a, b) => a.model_name.localeCompare(b.model_name) || a.model_id.localeCompare(b.model_id) || a.no - b.no),
        reports: [...reports.values()].sort((a, b) => Number(a.id) - Number(b.id)),
        ...state,
      });
    };
    const showSoon = () => {
      frame ||= requestAnimationFrame(() => show({ live: true, error: undefined }));
    };

    (async () => {
      for (let attempt = 0; !stop.signal.aborted; attempt++) {
        try {
          for await (const change of api.watchTrainJob(app, version, { signal: stop.signal })) {
            if (change.event === 'job') job = change.data;
            else if (change.event === 'trials') for (const trial of change.data) trials.set(trial.id, trial);
            else for (const report of change.data) reports.set(report.id, report);
            attempt = 0;
            showSoon();
          }
          show({ live: false, error: undefined });
          return;
        } catch (error) {
          if (stop.signal.aborted || expired(error)) return;
          // A refusal (no such job, not yours) will not change by asking again; a broken connection may.
          const final = error instanceof RafikiClientError && error.status >= 400 && error.status < 500;
          show({ live: false, error });
          if (final) return;
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
        }
      }
    })();
    return () => {
      stop.abort();
      cancelAnimationFrame(frame);
    };
  }, [app, version]);

  return feed;
}
