import { readFile } from 'node:fs/promises';
import { checkPredictions } from '../../model/checks/predictions.ts';
import { InputError } from '../../model/errors.ts';
import { decodeParams } from '../../model/params.ts';
import type { Task } from '../../model/task.ts';
import { loadTemplate } from '../../model/template.ts';
import { MAX_MESSAGE_CHARS, type BatchOutput, type InferenceBatch, type WorkerTrial } from '../../common/protocols/inference.ts';
import type { Predictor } from './predictor.ts';

/**
 * A message as the protocol carries it: one that quotes a huge query value is
 * cut, else the answer would break the protocol and fail every query batched with it.
 */
function clipped(message: string): string {
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…` : message;
}

/**
 * A trial without ONNX: its template loaded with the trial's knobs and
 * parameters, predicting raw queries. A query the template refuses (an
 * InputError) answers 400 with its message rather than failing the worker.
 *
 * @example
 * const predictor = await templatePredictor(trial, 'TABULAR_CLASSIFICATION');
 * await predictor.predict({ kind: 'queries', queries: [[5.1, 3.5, 1.4, 0.2]] });
 */
export async function templatePredictor(trial: WorkerTrial & { template: NonNullable<WorkerTrial['template']> }, task: Task): Promise<Predictor> {
  const Template = await loadTemplate(trial.template.path, trial.template.className, task);
  const model = new Template(trial.template.knobs);
  model.loadParameters(decodeParams(new Uint8Array(await readFile(trial.paramsPath))));
  return {
    async predict(batch: InferenceBatch): Promise<BatchOutput> {
      if (batch.kind !== 'queries') throw new Error('a template trial takes raw queries');
      try {
        const predictions = await model.predict(batch.queries);
        try {
          checkPredictions(predictions, batch.queries.length, trial.classes.length === 0 ? 'number' : { classes: trial.classes.length });
        } catch (err) {
          return { kind: 'error', status: 500, message: clipped(`the template's predictions are unusable: ${(err as Error).message}`) };
        }
        return { kind: 'predictions', predictions: predictions as (number | number[])[] };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return { kind: 'error', status: err instanceof InputError || (err as { status?: unknown })?.status === 400 ? 400 : 500, message: clipped(message) };
      }
    },
  };
}
