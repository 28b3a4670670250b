/**
 * An inference worker: a subprocess of a query frontend that loads one trial and
 * predicts the batches the frontend hands it (DESIGN.md §6). onnxruntime blocks
 * the thread it runs on, which is why it runs here and not in the frontend.
 *
 * @example
 * const child = spawnIpc([process.execPath, 'src/worker/inference-worker.ts']);
 * const worker = Comlink.wrap<InferenceWorkerApi>(ipcEndpoint(child.port, 'inference'));
 * await worker.load(trial, { task: 'TABULAR_CLASSIFICATION', onnxThreads: 1 });
 */
import * as Comlink from 'comlink';
import type { DeployedTrial } from '../frontend/spec.ts';
import { exitWithParent, ipcEndpoint, parentPort } from './ipc.ts';
import type { InferenceBatch, InferenceWorkerApi, LoadOptions, Predictor } from './inference/batch.ts';
import { onnxPredictor } from './inference/onnx-predictor.ts';
import { SharedTensors, type SharedTensorsSpec } from './inference/shared-tensors.ts';
import { templatePredictor } from './inference/template-predictor.ts';

let predictor: Predictor | null = null;
let shared: SharedTensors | null = null;
/** The batch before this one: batches run one after another, since a template's predict need not be reentrant. */
let previous: Promise<unknown> = Promise.resolve();

const api: InferenceWorkerApi = {
  async load(trial: DeployedTrial, options: LoadOptions) {
    predictor = trial.onnxPath
      ? await onnxPredictor(trial.onnxPath, { threads: options.onnxThreads, classes: trial.classes.length })
      : await templatePredictor(trial, options.task);
    return { input: predictor.input };
  },
  async attach(spec: SharedTensorsSpec) {
    shared = SharedTensors.attach(spec);
  },
  async predict(batch: InferenceBatch) {
    const loaded = predictor;
    if (!loaded) throw new Error('no trial loaded: call load first');
    const result = previous.then(() => loaded.predict(batch.kind === 'shared' ? sharedTensor(batch) : batch));
    previous = result.catch(() => {});
    return result;
  },
};

function sharedTensor({ slot, dims }: Extract<InferenceBatch, { kind: 'shared' }>): Extract<InferenceBatch, { kind: 'tensor' }> {
  if (!shared) throw new Error('a shared batch came before attach');
  return { kind: 'tensor', data: shared.slot(slot, dims.reduce((a, b) => a * b, 1)), dims };
}

exitWithParent();
Comlink.expose(api, ipcEndpoint(parentPort(), 'inference'));
