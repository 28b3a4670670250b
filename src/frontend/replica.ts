import * as Comlink from 'comlink';
import { fileURLToPath } from 'node:url';
import type { OnnxInputSpec } from '../model/model.ts';
import { ipcEndpoint, spawnIpc, type IpcChild } from '../worker/ipc.ts';
import type { BatchOutput, InferenceBatch, InferenceWorkerApi, LoadOptions } from '../worker/inference/batch.ts';
import { SharedTensors } from '../worker/inference/shared-tensors.ts';
import { rowSize } from './encode.ts';
import type { DeployedTrial } from './spec.ts';

const WORKER = fileURLToPath(new URL('../worker/inference-worker.ts', import.meta.url));

/** The worker process ended while a call was waiting on it. */
export class WorkerDiedError extends Error {
  override readonly name = 'WorkerDiedError';
}

export interface ReplicaOptions extends LoadOptions {
  /** Slots of shared memory for ONNX input tensors, one per batch runner, each of up to this many queries. */
  shared?: { slots: number; maxBatchSize: number };
}

/**
 * One inference worker subprocess of one trial. A comlink call never settles
 * when the process dies, so every call races the process's exit, and a dead
 * replica restarts itself on the next `predict` that needs it. An ONNX trial's
 * worker gets shared memory for its input tensors (shared-tensors.ts), new at
 * every start.
 *
 * @example
 * const replica = new Replica(trial, { task, onnxThreads: 1, shared: { slots: 2, maxBatchSize: 64 } });
 * const { input } = await replica.start();
 * replica.sharedInput(0, n * 4)!.set(rows);
 * const output = await replica.predict({ kind: 'shared', slot: 0, dims: [n, 4] });
 */
export class Replica {
  private child: IpcChild | null = null;
  private api: Comlink.Remote<InferenceWorkerApi> | null = null;
  private shared: SharedTensors | null = null;
  private died: Promise<never> = Promise.reject(new WorkerDiedError('not started'));
  private stopped = false;
  private starting: Promise<{ input: OnnxInputSpec | null }> | null = null;
  private calls = 0;
  private spawns = 0;

  constructor(readonly trial: DeployedTrial, private readonly options: ReplicaOptions) {
    this.died.catch(() => {});
  }

  /** How many times the worker was started again after the first start. */
  get restarts(): number {
    return Math.max(0, this.spawns - 1);
  }

  get pid(): number | undefined {
    return this.child?.process.pid;
  }

  /**
   * Spawns the worker and loads the trial; answers the trial's ONNX input spec
   * (null without ONNX). Callers that ask while a start is under way share it.
   */
  start(): Promise<{ input: OnnxInputSpec | null }> {
    this.starting ??= this.spawn().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async spawn(): Promise<{ input: OnnxInputSpec | null }> {
    if (this.stopped) throw new WorkerDiedError('the replica is stopped');
    this.spawns++;
    let onExit!: (code: number | null, signal: string | null) => void;
    this.died = new Promise<never>((_, reject) => {
      onExit = (code, signal) => reject(new WorkerDiedError(`the inference worker of trial ${this.trial.trialId} exited (${signal ?? `code ${code}`})`));
    });
    this.died.catch(() => {});
    const child = spawnIpc([process.execPath, WORKER], { onExit: (code, signal) => onExit(code, signal) });
    this.child = child;
    this.shared = null;
    this.api = Comlink.wrap<InferenceWorkerApi>(ipcEndpoint(child.port, 'inference'));
    try {
      const { task, onnxThreads } = this.options;
      const loaded = await this.call((api) => api.load(this.trial, { task, onnxThreads }));
      if (loaded.input && this.options.shared) this.shared = await this.share(loaded.input, this.options.shared);
      return loaded;
    } catch (err) {
      child.process.kill('SIGKILL');
      throw err;
    }
  }

  /**
   * Shared memory for the worker's input tensors; null, with a warning, when
   * it cannot be made or mapped (no room in /dev/shm, say): the tensors then
   * go whole over IPC, slower but the same.
   */
  private async share(input: OnnxInputSpec, { slots, maxBatchSize }: { slots: number; maxBatchSize: number }): Promise<SharedTensors | null> {
    let shared: SharedTensors | null = null;
    try {
      shared = SharedTensors.create(slots, maxBatchSize * rowSize(input));
      const spec = shared.spec;
      await this.call((api) => api.attach(spec));
      return shared;
    } catch (err) {
      if (err instanceof WorkerDiedError) throw err;
      console.warn(`trial ${this.trial.trialId}: no shared memory for input tensors, they go over IPC (${err instanceof Error ? err.message : String(err)})`);
      return null;
    } finally {
      shared?.unlink();
    }
  }

  /**
   * A writable view of `floats` values of slot `slot` in the running worker's
   * shared memory, for a `shared` batch; null when it has none or the slot is
   * too small, and the tensor then goes whole over IPC.
   */
  sharedInput(slot: number, floats: number): Float32Array | null {
    return this.shared?.fits(slot, floats) ? this.shared.slot(slot, floats) : null;
  }

  /** Predicts one batch; throws WorkerDiedError when the worker dies meanwhile. */
  predict(batch: InferenceBatch): Promise<BatchOutput> {
    return this.call((api) => api.predict(batch) as Promise<BatchOutput>);
  }

  /** Whether a batch is in the worker now. */
  get busy(): boolean {
    return this.calls > 0;
  }

  /** Whether the worker runs and has loaded its trial. */
  get ready(): boolean {
    return this.starting === null && this.child !== null && this.child.process.exitCode === null && this.child.process.signalCode === null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child) return;
    this.api?.[Comlink.releaseProxy]();
    child.process.kill();
    await child.process.exited;
  }

  private call<T>(run: (api: Comlink.Remote<InferenceWorkerApi>) => Promise<T>): Promise<T> {
    if (!this.api) return Promise.reject(new WorkerDiedError('the replica was not started'));
    this.calls++;
    return Promise.race([run(this.api), this.died]).finally(() => this.calls--);
  }
}
