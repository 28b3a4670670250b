/**
 * A train worker: a process the Admin starts (sandboxed) that loads one
 * template and its datasets once, then trains, evaluates and saves one trial
 * per call. It serves TRAIN_WORKER_CALLS and calls TRAIN_HOST_CALLS
 * (src/common/protocols/train.ts) over comlink on its IPC channel.
 */
import * as Comlink from 'comlink';
import { loadDataset } from '../model/datasets/load.ts';
import type { Dataset } from '../model/dataset.ts';
import type { Knobs } from '../model/knobs.ts';
import type { ModelClass, TrainContext } from '../model/model.ts';
import { encodeParams } from '../model/params.ts';
import { loadTemplate } from '../model/template.ts';
import { exitWithParent, ipcEndpoint, parentPort } from '../common/ipc/channel.ts';
import { HOST_CHANNEL, WORKER_CHANNEL } from '../common/protocols/channels.ts';
import type { TrainHostApi, TrainWorkerApi, TrainWorkerSetup, TrialOutcome } from '../common/protocols/train.ts';

interface Loaded { template: ModelClass; train: Dataset; val: Dataset }

function contextFor(host: Comlink.Remote<TrainHostApi>, trialId: string, stopped: { value: boolean }): TrainContext {
  const now = () => new Date().toISOString();
  return {
    log(messageOrMetrics) {
      void (typeof messageOrMetrics === 'string'
        ? host.log(trialId, { kind: 'MESSAGE', time: now(), message: messageOrMetrics })
        : host.log(trialId, { kind: 'METRICS', time: now(), metrics: { ...messageOrMetrics } }));
    },
    definePlot(title, metrics, xAxis) {
      void host.log(trialId, { kind: 'PLOT', time: now(), title, metrics: [...metrics], xAxis: xAxis ?? null });
    },
    async report({ step, score }) {
      const decision = await host.report(trialId, step, Number.isFinite(score) ? score : null);
      if (decision === 'stop') stopped.value = true;
      return decision;
    },
  };
}

const MAX_ERROR_CHARS = 10_000;

function errored(error: unknown): Extract<TrialOutcome, { status: 'ERRORED' }> {
  const message = (error instanceof Error ? error.message || error.name : String(error)).slice(0, MAX_ERROR_CHARS);
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack.slice(0, MAX_ERROR_CHARS) : undefined;
  return { status: 'ERRORED', error: message, ...(stack ? { stack } : {}) };
}

export function trainWorker(host: Comlink.Remote<TrainHostApi>): TrainWorkerApi {
  let loaded: Loaded | undefined;
  return {
    async setup(setup: TrainWorkerSetup) {
      const template = await loadTemplate(setup.templatePath, setup.className, setup.task);
      const options = { task: setup.task, ...setup.trainArgs };
      const train = await loadDataset(setup.trainPath, { ...options, name: 'the training dataset' });
      const val = await loadDataset(setup.valPath, { ...options, name: 'the validation dataset' }, train);
      loaded = { template, train, val };
    },

    async runTrial({ trialId, knobs }: { trialId: string; knobs: Knobs }): Promise<TrialOutcome> {
      if (!loaded) return { status: 'ERRORED', error: 'the worker was not set up' };
      const stopped = { value: false };
      try {
        const model = new loaded.template(knobs);
        await model.train(loaded.train, contextFor(host, trialId, stopped));
        const score = await model.evaluate(loaded.val);
        if (typeof score !== 'number' || !Number.isFinite(score)) return { status: 'ERRORED', error: `evaluate returned ${String(score)}, not a finite number` };
        const params = encodeParams(model.dumpParameters());
        const onnx = typeof model.toOnnx === 'function' ? model.toOnnx() : null;
        return { status: stopped.value ? 'TERMINATED' : 'COMPLETED', score, params, onnx };
      } catch (error) {
        return errored(error);
      }
    },
  };
}

if (import.meta.main) {
  exitWithParent();
  const port = parentPort();
  const host = Comlink.wrap<TrainHostApi>(ipcEndpoint(port, HOST_CHANNEL));
  Comlink.expose(trainWorker(host), ipcEndpoint(port, WORKER_CHANNEL));
}
