/**
 * Train jobs in this Admin process: starts a runner per active sub-job, stops
 * jobs on request, suspends them at shutdown, and resumes the jobs its lease
 * lets it claim (everything needed to resume is in the store).
 */
import { isActive } from '../jobs/statuses.ts';
import type { TrainJobRecord } from '../store/train-jobs.ts';
import { INTERRUPTED, SubJobRunner, type RunnerDeps } from './sub-job-runner.ts';

interface RunningJob {
  runners: SubJobRunner[];
  done: Promise<void>;
  /** Set when a stop or suspend came before the runners existed. */
  ending: 'stop' | 'suspend' | null;
}

function end(entry: RunningJob, how: 'stop' | 'suspend'): void {
  entry.ending = how;
  for (const runner of entry.runners) how === 'stop' ? runner.stop() : runner.suspend();
}

export class TrainingManager {
  private readonly running = new Map<string, RunningJob>();

  constructor(private readonly deps: RunnerDeps) {}

  /** Runs the job's active sub-jobs in the background. */
  start(job: TrainJobRecord): void {
    if (this.running.has(job.id)) return;
    const deadline = job.startedAt.getTime() + job.budget.TIME_HOURS * 3_600_000;
    const entry: RunningJob = { runners: [], done: Promise.resolve(), ending: null };
    this.running.set(job.id, entry);
    entry.done = (async () => {
      const subs = (await this.deps.store.trainJobs.subJobs(job.id)).filter((s) => isActive(s.status));
      entry.runners = subs.map((sub) => new SubJobRunner(this.deps, job, sub, deadline));
      if (entry.ending) end(entry, entry.ending);
      await Promise.all(entry.runners.map((r) => r.run()));
      await this.deps.transitions.trainJobFollows(job.id);
    })().catch((error: Error) => this.deps.log.error('a train job failed in the Admin', { train_job_id: job.id, app: job.app, app_version: job.appVersion, error: error.message, stack: error.stack ?? null }))
      .finally(() => this.running.delete(job.id));
  }

  /** Stops a job and waits until its trials and workers have ended. */
  async stop(jobId: string): Promise<void> {
    const entry = this.running.get(jobId);
    if (entry) {
      end(entry, 'stop');
      await entry.done;
    }
    for (const sub of await this.deps.store.trainJobs.subJobs(jobId)) {
      if (isActive(sub.status)) await this.deps.transitions.subJobMoved(jobId, sub.id, 'STOPPED');
    }
    await this.deps.transitions.trainJobFollows(jobId);
  }

  /** Waits for a job to end by itself (its budget), for tests and scripts. */
  async settled(jobId: string): Promise<void> {
    await this.running.get(jobId)?.done;
  }

  /** Takes the active jobs no Admin holds: what their last Admin left running is marked interrupted, and they go on here. */
  async claim(adminId: string): Promise<void> {
    const { store } = this.deps;
    for (const job of await store.trainJobs.claimFree(adminId)) {
      for (const sub of await store.trainJobs.subJobs(job.id)) await this.deps.transitions.trialsInterrupted(INTERRUPTED, sub.id);
      this.start(job);
    }
  }

  /** Ends the jobs run here that were stopped through another Admin. */
  async follow(): Promise<void> {
    for (const [jobId, entry] of this.running) {
      const job = await this.deps.store.trainJobs.byId(jobId);
      if (job && !isActive(job.status) && entry.ending === null) end(entry, 'stop');
    }
  }

  /** At shutdown: ends the work here, leaving the jobs to resume at the next start. */
  async suspendAll(): Promise<void> {
    const entries = [...this.running.values()];
    for (const entry of entries) end(entry, 'suspend');
    await Promise.all(entries.map((e) => e.done));
  }
}
