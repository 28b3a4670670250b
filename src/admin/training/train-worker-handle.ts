/**
 * The Admin's side of one train worker process: starts it through the services
 * manager (sandboxed, seeing only its template, its dependencies and the job's
 * two datasets), answers its logs and reports for the trial it runs and no
 * other, and runs trials on it.
 */
import { join } from 'node:path';
import { Ending } from '../../common/ending.ts';
import { connect, serve, type Remote } from '../../common/ipc/calls.ts';
import { HOST_CHANNEL, TRAIN_HOST_CALLS, TRAIN_WORKER_CALLS, WORKER_CHANNEL, type LogEntry, type TrainWorkerSetup, type TrialOutcome } from '../../common/protocols/train.ts';
import type { ExitInfo, Limits, ProcessLabels } from '../../common/services/services.ts';
import { withoutNul } from '../../common/without-nul.ts';
import type { EarlyStopDecision } from '../../model/model.ts';
import type { RecordedProcess, ServicesManager } from '../services/manager.ts';

const WORKER_SCRIPT = join(import.meta.dir, '../../worker/train-worker.ts');

export type TrialResult = TrialOutcome | { status: 'DIED'; error: string };

/** What the sub-job does with a trial's logs and reports. */
export interface TrialHost {
  log(trialId: string, entry: LogEntry): void;
  report(trialId: string, step: number, score: number | null): Promise<EarlyStopDecision>;
}

export interface TrainWorkerFiles {
  template: string;
  nodeModules: string;
  className: string;
  task: TrainWorkerSetup['task'];
  train: string;
  val: string;
  trainArgs: TrainWorkerSetup['trainArgs'];
}

class WorkerDied extends Error {}

export class TrainWorkerHandle {
  /** The trial it runs now: the only one it may log and report for. */
  private current: string | null = null;

  /** Its process' end, which every call races; an Ending keeps no finished trial's result (src/common/ending.ts). */
  private readonly ended = new Ending();

  private constructor(private readonly process: RecordedProcess, private readonly api: Remote<typeof TRAIN_WORKER_CALLS>) {
    void process.wait().then((info) => this.ended.end(new WorkerDied(`the worker ${info.reason}`)));
  }

  get serviceId(): string {
    return this.process.serviceId;
  }

  get exited(): Promise<ExitInfo> {
    return this.process.wait();
  }

  /** Starts a worker and sets it up; throws the setup's error (the worker is then stopped). */
  static async start(services: ServicesManager, options: { files: TrainWorkerFiles; labels?: ProcessLabels; limits: Limits }, host: TrialHost): Promise<TrainWorkerHandle> {
    const { files } = options;
    const process = await services.start({
      kind: 'TRAIN_WORKER', labels: options.labels ?? {},
      run: { script: WORKER_SCRIPT }, untrusted: true,
      template: { file: files.template, nodeModules: files.nodeModules },
      files: { train: files.train, val: files.val },
      limits: options.limits,
    });
    const handle = new TrainWorkerHandle(process, connect(process.endpoint(WORKER_CHANNEL), TRAIN_WORKER_CALLS));
    const mine = (trialId: string) => {
      if (trialId !== handle.current) throw new Error(`trial ${trialId.slice(0, 64)} is not the trial this worker runs`);
    };
    serve(process.endpoint(HOST_CHANNEL), TRAIN_HOST_CALLS, {
      log: (trialId, entry) => {
        mine(trialId);
        host.log(trialId, withoutNul(entry));
      },
      report: (trialId, step, score) => {
        mine(trialId);
        return host.report(trialId, step, score);
      },
    });
    try {
      await handle.ended.race(handle.api.setup({ templatePath: process.paths.template!, className: files.className, task: files.task, trainPath: process.paths.train!, valPath: process.paths.val!, trainArgs: files.trainArgs }));
    } catch (error) {
      await process.stop();
      throw error instanceof WorkerDied ? new Error(`${error.message} while loading the template and datasets`) : error;
    }
    await process.ready();
    return handle;
  }

  /** Runs one trial; a worker that dies meanwhile (or breaks the protocol) answers DIED with the reason. */
  async runTrial(trialId: string, knobs: Record<string, number | string | boolean>): Promise<TrialResult> {
    this.current = trialId;
    this.process.restartCpuClock();
    try {
      return withoutNul(await this.ended.race(this.api.runTrial({ trialId, knobs })));
    } catch (error) {
      if (error instanceof WorkerDied) return { status: 'DIED', error: error.message };
      await this.process.stop(0);
      return { status: 'DIED', error: `the worker broke its protocol: ${(error as Error).message}` };
    } finally {
      this.current = null;
    }
  }

  stop(graceMs?: number): Promise<ExitInfo> {
    return this.process.stop(graceMs);
  }
}
