/**
 * An inference worker: a process a query frontend starts (sandboxed) that
 * loads one trial and predicts the batches the frontend hands it. It serves
 * INFERENCE_WORKER_CALLS (src/common/protocols/inference.ts) over comlink on
 * its IPC channel. onnxruntime blocks the thread it runs on, which is why it
 * runs here and not in the frontend.
 */
import * as Comlink from 'comlink';
import { exitWithParent, ipcEndpoint, parentPort } from '../common/ipc/channel.ts';
import { INFERENCE_CHANNEL } from '../common/protocols/channels.ts';
import type { InferenceBatch, InferenceWorkerApi } from '../common/protocols/inference.ts';
import { onnxPredictor } from './inference/onnx-predictor.ts';
import type { Predictor } from './inference/predictor.ts';
import { SharedTensors } from '../common/ipc/shared-tensors.ts';
import { templatePredictor } from './inference/template-predictor.ts';

let predictor: Predictor | null = null;
let shared: SharedTensors | null = null;
/** The batch before this one: batches run one after another, since a template's predict need not be reentrant. */
let previous: Promise<unknown> = Promise.resolve();

const api: InferenceWorkerApi = {
  async load(trial, options) {
    if (trial.onnxPath) predictor = await onnxPredictor(trial.onnxPath, { threads: options.onnxThreads, classes: trial.classes.length });
    else if (trial.template) predictor = await templatePredictor({ ...trial, template: trial.template }, options.task);
    else throw new Error(`trial ${trial.trialId} has neither ONNX nor a template`);
  },
  async attach(spec) {
    shared = SharedTensors.attach(spec);
  },
  async predict(batch) {
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
Comlink.expose(api, ipcEndpoint(parentPort(), INFERENCE_CHANNEL));
