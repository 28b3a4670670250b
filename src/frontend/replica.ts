import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connect, type Remote } from '../common/ipc/calls.ts';
import { INFERENCE_CHANNEL, INFERENCE_WORKER_CALLS, type BatchOutput, type InferenceBatch, type LoadOptions, type WorkerTrial } from '../common/protocols/inference.ts';
import type { DeployedTrial } from '../common/protocols/frontend.ts';
import type { Limits, ManagedProcess, ProcessSpec, Services } from '../common/services/services.ts';
import { readInputSpec } from '../model/checks/onnx-parity.ts';
import type { OnnxInputSpec } from '../model/model.ts';
import { SharedTensors } from '../common/ipc/shared-tensors.ts';
import { stageTemplate } from './staged-templates.ts';
import { rowSize } from './encode.ts';
import { Ending } from '../common/ending.ts';

const WORKER = fileURLToPath(new URL('../worker/inference-worker.ts', import.meta.url));

/** The worker process ended while a call was waiting on it: the batch may be tried again on a new one. */
export class WorkerDiedError extends Error {
  override readonly name = 'WorkerDiedError';
}

/** A batch the worker did not answer in time: it was ended, and the batch is not tried again. */
export class BatchTimeoutError extends Error {
  override readonly name = 'BatchTimeoutError';
}

/** A trial's ONNX input spec (null without ONNX), read from its file rather than taken from a worker's word. */
export function trialInput(trial: DeployedTrial): OnnxInputSpec | null {
  return trial.onnxPath ? readInputSpec(readFileSync(trial.onnxPath)) : null;
}

/** Where a frontend records its workers (the Admin's services table); each call is best effort. */
export interface WorkerRecorder {
  started(trialId: string, pid: number | null): Promise<string>;
  ready(serviceId: string): Promise<void>;
  ended(serviceId: string, info: { requested: boolean; reason: string }): Promise<void>;
}

export interface ReplicaOptions extends LoadOptions {
  services: Services;
  limits: Limits;
  /** A batch not answered in this long ends the worker. */
  batchTimeoutMs: number;
  /** Slots of shared memory for ONNX input tensors, one per batch runner, each of up to this many queries. */
  shared?: { slots: number; maxBatchSize: number };
  recorder?: WorkerRecorder;
}

/**
 * One inference worker of one trial, started through the services contract
 * (sandboxed where it sandboxes: the worker sees only its trial's files). A
 * call never settles when the process dies, so every call races the process's
 * end, and a dead replica starts again on the next `predict` that needs it. A
 * batch that takes longer than `batchTimeoutMs` ends the worker, which starts
 * again at once. An ONNX trial's worker gets shared memory for its input
 * tensors (shared-tensors.ts), new at every start.
 *
 * @example
 * const replica = new Replica(trial, { services, limits, batchTimeoutMs: 10_000, task, onnxThreads: 1, shared: { slots: 2, maxBatchSize: 64 } });
 * const { input } = await replica.start();
 * replica.sharedInput(0, n * 4)!.set(rows);
 * const output = await replica.predict({ kind: 'shared', slot: 0, dims: [n, 4] });
 */
export class Replica {
  private process: ManagedProcess | null = null;
  private api: Remote<typeof INFERENCE_WORKER_CALLS> | null = null;
  private shared: SharedTensors | null = null;
  /** The worker's end, which its calls race; a new one at every start (before the first, `api` is null). */
  private ending = new Ending();
  private stopped = false;
  private starting: Promise<{ input: OnnxInputSpec | null }> | null = null;
  private calls = 0;
  private spawns = 0;
  private onnxInput: OnnxInputSpec | null | undefined;

  constructor(readonly trial: DeployedTrial, private readonly options: ReplicaOptions) {}

  /** How many times the worker was started again after the first start. */
  get restarts(): number {
    return Math.max(0, this.spawns - 1);
  }

  get pid(): number | undefined {
    return this.process?.pid;
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

  private input(): OnnxInputSpec | null {
    if (this.onnxInput === undefined) this.onnxInput = trialInput(this.trial);
    return this.onnxInput;
  }

  /** Its template where a worker can import it: in the Admin's folder of its dependencies, or staged beside a link to Rafiki. */
  private templateFiles(): { file: string; nodeModules: string } {
    const { template, trialId } = this.trial;
    return template.nodeModules ? { file: template.path, nodeModules: template.nodeModules } : stageTemplate(template.path, trialId);
  }

  private async spawn(): Promise<{ input: OnnxInputSpec | null }> {
    if (this.stopped) throw new WorkerDiedError('the replica is stopped');
    this.spawns++;
    const input = this.input();
    const shared = this.makeShared(input);
    const spec: ProcessSpec = {
      kind: 'INFERENCE_WORKER', run: { script: WORKER }, untrusted: true, limits: this.options.limits,
      files: this.trial.onnxPath ? { onnx: this.trial.onnxPath } : { params: this.trial.paramsPath },
      ...(this.trial.onnxPath ? {} : { template: this.templateFiles() }),
      ...(shared ? { shared: { tensors: shared.spec.path } } : {}),
    };
    let process: ManagedProcess;
    try {
      process = await this.options.services.spawn(spec);
    } catch (err) {
      shared?.unlink();
      throw err;
    }
    this.process = process;
    this.shared = null;
    const ending = new Ending();
    this.ending = ending;
    void process.wait().then((info) => ending.end(new WorkerDiedError(`the inference worker of trial ${this.trial.trialId} ${info.reason}`)));
    // Recording is best effort and off the start's path: a frontend without an Admin still serves.
    const recorder = this.options.recorder;
    const serviceId = recorder?.started(this.trial.trialId, process.pid ?? null).catch(() => null);
    void process.wait().then(async (info) => {
      const id = await serviceId;
      if (id) await recorder!.ended(id, info).catch(() => {});
    });
    this.api = connect(process.endpoint(INFERENCE_CHANNEL), INFERENCE_WORKER_CALLS);
    try {
      const { task, onnxThreads } = this.options;
      await this.call((api) => api.load(this.workerTrial(process), { task, onnxThreads }));
      if (shared) this.shared = await this.attach(shared, process);
      void serviceId?.then((id) => (id ? recorder!.ready(id) : undefined)).catch(() => {});
      return { input };
    } catch (err) {
      await process.stop(0);
      throw err;
    } finally {
      shared?.unlink();
    }
  }

  private workerTrial(process: ManagedProcess): WorkerTrial {
    const { trialId, classes, template } = this.trial;
    return this.trial.onnxPath
      ? { trialId, onnxPath: process.paths.onnx!, paramsPath: '', classes }
      : { trialId, template: { path: process.paths.template!, className: template.className, knobs: template.knobs }, paramsPath: process.paths.params!, classes };
  }

  /**
   * Shared memory for the worker's input tensors; null, with a warning, when
   * it cannot be made (no room in /dev/shm, say): the tensors then go whole
   * over IPC, slower but the same.
   */
  private makeShared(input: OnnxInputSpec | null): SharedTensors | null {
    if (!input || !this.options.shared) return null;
    try {
      return SharedTensors.create(this.options.shared.slots, this.options.shared.maxBatchSize * rowSize(input));
    } catch (err) {
      console.warn(`trial ${this.trial.trialId}: no shared memory for input tensors, they go over IPC (${err instanceof Error ? err.message : String(err)})`);
      return null;
    }
  }

  private async attach(shared: SharedTensors, process: ManagedProcess): Promise<SharedTensors | null> {
    try {
      const { slots, slotFloats } = shared.spec;
      await this.call((api) => api.attach({ path: process.paths.tensors!, slots, slotFloats }));
      return shared;
    } catch (err) {
      if (err instanceof WorkerDiedError) throw err;
      console.warn(`trial ${this.trial.trialId}: the worker could not map shared memory, tensors go over IPC (${err instanceof Error ? err.message : String(err)})`);
      return null;
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

  /**
   * Predicts one batch; throws WorkerDiedError when the worker dies meanwhile,
   * BatchTimeoutError (and ends the worker, which starts again) when it takes too long.
   */
  async predict(batch: InferenceBatch): Promise<BatchOutput> {
    const process = this.process;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BatchTimeoutError(`the model did not answer within ${this.options.batchTimeoutMs / 1000} s`)), this.options.batchTimeoutMs);
    });
    try {
      return await Promise.race([this.call((api) => api.predict(batch)), timeout]);
    } catch (err) {
      if (err instanceof BatchTimeoutError && process && this.process === process) {
        await process.stop(0);
        if (!this.stopped) void this.start().catch(() => {});
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether a batch is in the worker now. */
  get busy(): boolean {
    return this.calls > 0;
  }

  /** Whether the worker runs and has loaded its trial. */
  get ready(): boolean {
    return this.starting === null && this.process !== null && this.process.status() === 'RUNNING';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.process?.stop(0);
    await this.starting?.catch(() => {});
  }

  private call<T>(run: (api: Remote<typeof INFERENCE_WORKER_CALLS>) => Promise<T>): Promise<T> {
    if (!this.api) return Promise.reject(new WorkerDiedError('the replica was not started'));
    this.calls++;
    return this.ending.race(run(this.api)).finally(() => this.calls--);
  }
}
