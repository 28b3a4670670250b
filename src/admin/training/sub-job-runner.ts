/**
 * Runs one sub-job (one template of a train job): an Advisor session proposes
 * knobs, `WORKER_COUNT` workers train them, every trial is stored with its logs
 * and parameters, and the score goes back to the Advisor, until the budget ends,
 * the job is stopped, or too many trials fail in a row.
 */
import type { Advisor } from '../../advisor/client.ts';
import { Ending } from '../../common/ending.ts';
import { RafikiError } from '../../common/errors.ts';
import type { KnobConfig } from '../../model/knobs.ts';
import type { Logger } from '../../common/log.ts';
import type { Limits } from '../../common/services/services.ts';
import type { BlobStore } from '../files/blob-store.ts';
import { isTrialActive } from '../jobs/statuses.ts';
import type { JobTransitions } from '../jobs/transitions.ts';
import type { ServicesManager } from '../services/manager.ts';
import { TemplateFiles } from '../services/template-files.ts';
import type { Store } from '../store/store.ts';
import type { SubTrainJobRecord, TrainJobRecord } from '../store/train-jobs.ts';
import { LogBuffer } from './log-buffer.ts';
import { TrainWorkerHandle, type TrainWorkerFiles, type TrialHost, type TrialResult } from './train-worker-handle.ts';

export interface RunnerDeps {
  store: Store;
  advisor: Advisor;
  services: ServicesManager;
  templates: TemplateFiles;
  blobs: BlobStore;
  /** Where every status change of a sub-job, its job and its trials is written. */
  transitions: JobTransitions;
  log: Logger;
  /** Each train worker's limits; its CPU time is counted per trial. */
  workerLimits: Limits;
  /** Seeds every Advisor session (RAFIKI_ADVISOR_SEED). */
  advisorSeed?: number;
}

/** Trials failing in a row after which a sub-job gives up. */
export const MAX_CONSECUTIVE_ERRORS = 5;
/** Times a dead worker is started again before its slot is given up. */
export const MAX_WORKER_RESTARTS = 3;
/** What a trial running when the Admin stopped is marked with. */
export const INTERRUPTED = 'interrupted: the Admin stopped while it ran';
/** How long a running trial may go on past the time budget. */
export const DEADLINE_GRACE_MS = 10_000;
/** How long Advisor calls are tried again while the Advisor cannot be reached (it restarts, say). */
export const ADVISOR_RETRY_MS = 60_000;
/** Sessions rebuilt for one call before it gives up: a session lost again at once is not the Advisor restarting. */
const MAX_REBUILDS = 2;
/** Reports stored per trial for its learning curve; later ones are still decided on, not stored. */
export const MAX_STORED_REPORTS = 10_000;

/** Whether an Advisor call failed because the Advisor could not answer (not because it refused). */
function unreachable(error: unknown): boolean {
  return !(error instanceof RafikiError) || error.code === 'UNAVAILABLE';
}

/** Why a trial was cut short: its job was stopped, or the time budget ran out. */
class Cutoff extends Error {
  constructor(readonly kind: 'stop' | 'deadline') {
    super(kind === 'stop' ? 'stopped with its train job' : 'the time budget ran out');
  }
}

/**
 * ASHA, with its first rung at a ninth of the most epochs a template may train
 * (its `epochs` knob), since a rung at epoch 1 ranks trials by how fast they start
 * rather than how well they end (measured in scripts/bench/advisor.ts).
 */
export function stoppingFor(knobConfig: KnobConfig): { type: 'asha'; min_resource: number } {
  const epochs = knobConfig.epochs;
  const most = epochs?.type === 'integer' ? epochs.max : epochs?.type === 'fixed' && typeof epochs.value === 'number' ? epochs.value : 9;
  return { type: 'asha', min_resource: Math.max(1, Math.floor(most / 9)) };
}

export class SubJobRunner {
  private stopping = false;
  private readonly workers = new Set<TrainWorkerHandle>();
  private consecutiveErrors = 0;
  private lastError = '';
  private readonly trialNumbers = new Map<string, number>();
  private readonly storedReports = new Map<string, number>();
  // An Ending, not a pending promise raced per trial: that would keep every trial's result (its parameters) until the sub-job ends.
  private readonly stopped = new Ending();
  private session: string | undefined;
  private knobConfig: KnobConfig = {};
  private readonly logs: LogBuffer;

  constructor(private readonly deps: RunnerDeps, private readonly job: TrainJobRecord, private readonly sub: SubTrainJobRecord, private readonly deadline: number) {
    this.logs = new LogBuffer((trialId, entries) => deps.store.trials.addLogs(trialId, entries));
  }

  private suspending = false;

  /** Ends the sub-job: running trials are ended and stored as TERMINATED. */
  stop(): void {
    this.stopping = true;
    this.stopped.end(new Cutoff('stop'));
  }

  /**
   * Ends the work of this process (the Admin is shutting down) but not the sub-job:
   * running trials are stored as ERRORED ("interrupted") and the next start resumes it.
   */
  suspend(): void {
    this.suspending = true;
    this.stop();
  }

  async run(): Promise<void> {
    const { store } = this.deps;
    let failure: string | null = null;
    try {
      const model = await store.models.byId(this.sub.modelId);
      const code = await store.models.code(this.sub.modelId);
      const train = await store.datasets.byId(this.job.trainDatasetId);
      const val = await store.datasets.byId(this.job.valDatasetId);
      if (!model || !code || !train || !val) throw new Error('its template or a dataset no longer exists');
      const folder = await this.deps.templates.prepare(model.dependencies);
      const templatePath = this.deps.templates.write(folder, code);
      this.knobConfig = model.knobConfig;
      await this.openSession();
      await this.deps.transitions.subJobMoved(this.job.id, this.sub.id, 'RUNNING');
      const files: TrainWorkerFiles = {
        template: templatePath, nodeModules: TemplateFiles.nodeModules(folder), className: model.modelClass, task: this.job.task,
        train: this.deps.blobs.pathOf(train.sha256), val: this.deps.blobs.pathOf(val.sha256), trainArgs: this.job.trainArgs,
      };
      const slots = Array.from({ length: this.job.budget.WORKER_COUNT }, () => this.workerLoop(files));
      const outcomes = await Promise.all(slots);
      failure = this.consecutiveErrors >= MAX_CONSECUTIVE_ERRORS
        ? `${MAX_CONSECUTIVE_ERRORS} trials failed in a row; the last: ${this.lastError}`
        : outcomes.every((o) => o !== null) ? outcomes[0]! : null;
    } catch (error) {
      failure = (error as Error).message;
    } finally {
      if (this.session) await this.deps.advisor.deleteSession(this.session).catch(() => {});
    }
    if (this.suspending) return;
    await this.deps.transitions.subJobMoved(this.job.id, this.sub.id, failure ? 'ERRORED' : 'STOPPED', failure);
  }

  /**
   * Opens the sub-job's Advisor session, warm-started from every stored trial: at
   * an Admin's start (it resumes the job), or when the Advisor lost the session (it
   * restarted). A trial still running counts as failed there, so that its number is taken.
   */
  private async openSession(): Promise<void> {
    const past = await this.deps.store.trials.ofSubJob(this.sub.id);
    const limit = this.job.budget.MODEL_TRIAL_COUNT;
    const { id } = await this.retrying(() => this.deps.advisor.createSession({
      knob_config: this.knobConfig as never,
      strategy: 'auto',
      stopping: stoppingFor(this.knobConfig),
      history: past.map((t) => ({ knobs: t.knobs, score: t.status === 'ERRORED' || isTrialActive(t.status) ? null : t.score, trial_no: t.no })),
      ...(limit >= 0 ? { max_trials: Math.max(limit, 1) } : {}),
      ...(this.deps.advisorSeed !== undefined ? { seed: this.deps.advisorSeed } : {}),
    }));
    this.session = id;
    if (limit === 0 || (limit > 0 && past.length >= limit)) this.stopping = true;
  }

  /** Tries `call` again, with backoff, while the Advisor cannot be reached, for up to ADVISOR_RETRY_MS. */
  private async retrying<T>(call: () => Promise<T>): Promise<T> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!unreachable(error) || this.stopping || Date.now() - started > ADVISOR_RETRY_MS) throw error;
        await Bun.sleep(Math.min(2_000, 50 * 2 ** attempt));
      }
    }
  }

  /** An Advisor call on the session that outlives the Advisor's restarts: retried while it is away, on a rebuilt session once it has lost ours. */
  private async advise<T>(call: (session: string) => Promise<T>): Promise<T> {
    for (let rebuilds = 0; ; rebuilds++) {
      try {
        return await this.retrying(() => call(this.session!));
      } catch (error) {
        if (!(error instanceof RafikiError && error.code === 'NOT_FOUND') || rebuilds >= MAX_REBUILDS) throw error;
        await this.openSession();
      }
    }
  }

  private host(): TrialHost {
    return {
      log: (trialId, entry) => this.logs.add(trialId, entry),
      report: async (trialId, step, score) => {
        const trialNo = this.trialNumbers.get(trialId);
        if (trialNo === undefined || !this.session || this.stopping) return this.stopping ? 'stop' : 'continue';
        const feedback = { trial_no: trialNo, step, score: score !== null && Number.isFinite(score) ? score : null, final: false };
        // A trial goes on when the Advisor cannot decide (a rebuilt session may not know it).
        const { decision } = await this.advise((session) => this.deps.advisor.feedback(session, feedback)).catch(() => ({ decision: 'continue' as const }));
        const stored = this.storedReports.get(trialId) ?? 0;
        if (stored < MAX_STORED_REPORTS) {
          this.storedReports.set(trialId, stored + 1);
          await this.deps.store.trials.addReport(trialId, { step, score: feedback.score, decision });
        }
        return decision;
      },
    };
  }

  /** One worker's loop; answers why its slot failed for good, or null. */
  private async workerLoop(files: TrainWorkerFiles): Promise<string | null> {
    let restarts = 0;
    let worker: TrainWorkerHandle | undefined;
    try {
      while (!this.stopping && Date.now() < this.deadline && this.consecutiveErrors < MAX_CONSECUTIVE_ERRORS) {
        if (!worker) {
          worker = await TrainWorkerHandle.start(this.deps.services, { files, labels: { trainJobId: this.job.id, subTrainJobId: this.sub.id }, limits: this.deps.workerLimits }, this.host());
          this.workers.add(worker);
        }
        const proposal = await this.advise((session) => this.deps.advisor.propose(session));
        if (!proposal || this.stopping) break;
        const trial = await this.deps.transitions.trialStarted({ subTrainJobId: this.sub.id, no: proposal.trial_no, modelId: this.sub.modelId, knobs: proposal.knobs, workerId: worker.serviceId });
        this.trialNumbers.set(trial.id, proposal.trial_no);
        const result = await this.runWithLimits(worker, trial.id, proposal.knobs);
        await this.record(trial.id, proposal.trial_no, result);
        this.storedReports.delete(trial.id);
        if (result.status === 'DIED' || 'ending' in result) {
          this.workers.delete(worker);
          await worker.stop();
          worker = undefined;
          if ('ending' in result) break;
          if (++restarts > MAX_WORKER_RESTARTS) return `its worker died ${restarts} times; the last time ${result.error}`;
        }
      }
      return null;
    } catch (error) {
      return (error as Error).message;
    } finally {
      if (worker) {
        this.workers.delete(worker);
        await worker.stop();
      }
    }
  }

  private async runWithLimits(worker: TrainWorkerHandle, trialId: string, knobs: Record<string, number | string | boolean>): Promise<TrialResult | { ending: Cutoff['kind']; status: 'TERMINATED'; error: string }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Cutoff('deadline')), Math.max(0, this.deadline - Date.now()) + DEADLINE_GRACE_MS);
    });
    try {
      return await Promise.race([this.stopped.race(worker.runTrial(trialId, knobs)), deadline]);
    } catch (error) {
      if (!(error instanceof Cutoff)) throw error;
      return { ending: error.kind, status: 'TERMINATED', error: error.message };
    } finally {
      clearTimeout(timer);
    }
  }

  private async record(trialId: string, trialNo: number, result: Awaited<ReturnType<SubJobRunner['runWithLimits']>>): Promise<void> {
    const { transitions } = this.deps;
    // Where the template failed, for its owner (the logs are the owner's): its stack, with the sandbox's paths.
    if (!('ending' in result) && result.status === 'ERRORED' && result.stack) {
      this.logs.add(trialId, { kind: 'MESSAGE', time: new Date().toISOString(), message: result.stack });
    }
    await this.logs.end(trialId);
    let score: number | null = null;
    if ('ending' in result && this.suspending) {
      await transitions.trialEnded(trialId, { status: 'ERRORED', error: INTERRUPTED });
    } else if ('ending' in result) {
      await transitions.trialEnded(trialId, { status: 'TERMINATED', error: result.error });
    } else if (result.status === 'COMPLETED' || result.status === 'TERMINATED') {
      score = result.score;
      await transitions.trialEnded(trialId, { status: result.status, score, params: result.params, onnx: result.onnx });
      this.consecutiveErrors = 0;
    } else {
      const { error, stack } = result as { error: string; stack?: string };
      await transitions.trialEnded(trialId, { status: 'ERRORED', error, errorStack: stack ?? null });
      this.consecutiveErrors++;
      this.lastError = error;
    }
    if (this.session) await this.advise((session) => this.deps.advisor.feedback(session, { trial_no: trialNo, score, final: true })).catch(() => {});
  }
}
