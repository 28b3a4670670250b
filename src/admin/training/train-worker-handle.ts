/**
 * The Admin's side of one train worker process: starts it through the services
 * manager, answers its logs and reports, and runs trials on it.
 */
import * as Comlink from 'comlink';
import { join } from 'node:path';
import { ipcEndpoint } from '../../worker/ipc.ts';
import { HOST_CHANNEL, WORKER_CHANNEL, type TrainHostApi, type TrainWorkerApi, type TrainWorkerSetup, type TrialOutcome } from '../../worker/train/protocol.ts';
import type { ExitInfo, ManagedProcess, ServicesManager } from '../services/manager.ts';

const WORKER_SCRIPT = join(import.meta.dir, '../../worker/train-worker.ts');

export type TrialResult = TrialOutcome | { status: 'DIED'; error: string };

export class TrainWorkerHandle {
  private constructor(private readonly process: ManagedProcess, private readonly api: Comlink.Remote<TrainWorkerApi>) {}

  get serviceId(): string {
    return this.process.serviceId;
  }

  get exited(): Promise<ExitInfo> {
    return this.process.exited;
  }

  /** Starts a worker and sets it up; throws the setup's error (the worker is then stopped). */
  static async start(services: ServicesManager, setup: TrainWorkerSetup & { cwd: string; subTrainJobId: string }, host: TrainHostApi): Promise<TrainWorkerHandle> {
    const process = await services.start({ kind: 'TRAIN_WORKER', cmd: [globalThis.process.execPath, WORKER_SCRIPT], cwd: setup.cwd, subTrainJobId: setup.subTrainJobId });
    Comlink.expose(host, ipcEndpoint(process.child.port, HOST_CHANNEL));
    const api = Comlink.wrap<TrainWorkerApi>(ipcEndpoint(process.child.port, WORKER_CHANNEL));
    const handle = new TrainWorkerHandle(process, api);
    const { cwd: _cwd, subTrainJobId: _sub, ...workerSetup } = setup;
    const died = process.exited.then((info) => {
      throw new Error(`the worker ${info.reason} while loading the template and datasets`);
    });
    try {
      await Promise.race([api.setup(workerSetup), died]);
    } catch (error) {
      await process.stop();
      throw error;
    }
    await process.ready();
    return handle;
  }

  /** Runs one trial; a worker that dies meanwhile answers DIED with the reason. */
  async runTrial(trialId: string, knobs: Record<string, number | string | boolean>): Promise<TrialResult> {
    const died = this.process.exited.then((info): TrialResult => ({ status: 'DIED', error: `the worker ${info.reason}` }));
    return Promise.race([this.api.runTrial({ trialId, knobs }), died]);
  }

  stop(graceMs?: number): Promise<ExitInfo> {
    return this.process.stop(graceMs);
  }
}
