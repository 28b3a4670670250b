import { RemoteError, ProtocolError } from '../common/ipc/calls.ts';
import type { BatchOutput, InferenceBatch } from '../common/protocols/inference.ts';
import type { BatchRunner } from './batcher.ts';
import type { QueryAnswer, QueueEntry } from './queue/queue.ts';
import { BatchTimeoutError, WorkerDiedError, type Replica } from './replica.ts';

/** Attempts of one batch when its worker dies under it: the worker restarts in between. */
const ATTEMPTS = 3;

export interface TrialRunnerOptions {
  /** The replica's shared-memory slot this runner writes its batches into. */
  slot: number;
  /** One query's input dimensions for ONNX trials; null when the template predicts raw queries. */
  features: number[] | null;
  regression: boolean;
  onRetry?: () => void;
}

/**
 * A BatchRunner of one replica: entries → one worker batch (one FP32 tensor
 * for ONNX trials, in the runner's slot of shared memory, raw queries
 * otherwise) → one answer per entry. When the worker dies mid-batch it is
 * restarted and the batch written and tried again, so the queries in it are
 * still answered. When the worker answers that a batch failed (a template
 * refused it as bad input, threw, or gave predictions that are not usable),
 * its queries are tried one by one, so that only those the model fails on
 * fail, not every query that was batched with them.
 *
 * @example
 * const run = trialRunner(replica, { slot: 0, features: [4], regression: false });
 * const answers = await run(entries);
 */
export function trialRunner(replica: Replica, { slot, features, regression, onRetry }: TrialRunnerOptions): BatchRunner {
  const trialId = replica.trial.trialId;

  async function predict(entries: QueueEntry[]): Promise<BatchOutput> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!replica.ready) await replica.start();
        return await replica.predict(toBatch(entries));
      } catch (err) {
        if (!(err instanceof WorkerDiedError) || attempt >= ATTEMPTS) throw err;
        onRetry?.();
      }
    }
  }

  /** A batch that timed out, or that the worker answered outside its protocol, fails whole (`final`): it is not tried again. */
  async function answer(entries: QueueEntry[]): Promise<BatchOutput | { kind: 'final'; status: number; message: string }> {
    try {
      const output = await predict(entries);
      return fits(output, entries.length) ? output : { kind: 'final', status: 500, message: 'the model answered a different number of predictions than it was given queries' };
    } catch (err) {
      if (err instanceof BatchTimeoutError) return { kind: 'final', status: 500, message: err.message };
      if (err instanceof ProtocolError || err instanceof RemoteError) return { kind: 'final', status: 500, message: 'the model failed to predict' };
      throw err;
    }
  }

  async function run(entries: QueueEntry[]): Promise<QueryAnswer[]> {
    const output = await answer(entries);
    if (output.kind === 'error' || output.kind === 'final') {
      if (output.kind === 'error' && entries.length > 1) {
        // One after another: they share this runner's slot, and the worker predicts one batch at a time anyway.
        const answers: QueryAnswer[] = [];
        for (const entry of entries) answers.push(...await run([entry]));
        return answers;
      }
      return entries.map((entry) => ({ id: entry.id, trialId, error: { status: output.status, message: output.message } }));
    }
    const predictions = output.kind === 'predictions' ? output.predictions : rows(output.data, output.dims, regression);
    return entries.map((entry, i) => ({ id: entry.id, trialId, prediction: predictions[i] as number | number[] }));
  }

  function toBatch(entries: QueueEntry[]): InferenceBatch {
    if (features === null) return { kind: 'queries', queries: entries.map((entry) => ('query' in entry.payload ? entry.payload.query : null)) };
    const size = features.reduce((a, b) => a * b, 1);
    const shared = replica.sharedInput(slot, entries.length * size);
    const data = shared ?? new Float32Array(entries.length * size);
    entries.forEach((entry, i) => {
      if ('row' in entry.payload) data.set(entry.payload.row, i * size);
      else data.fill(0, i * size, (i + 1) * size);
    });
    const dims = [entries.length, ...features];
    return shared ? { kind: 'shared', slot, dims } : { kind: 'tensor', data, dims };
  }

  return run;
}

/** Whether an output holds one answer per query (the worker runs uploaded code: its word is checked). */
function fits(output: BatchOutput, n: number): boolean {
  if (output.kind === 'error') return true;
  if (output.kind === 'predictions') return output.predictions.length === n;
  return output.dims[0] === n && output.data.length === output.dims.reduce((a, b) => a * b, 1);
}

/** [N] or [N, 1] → N numbers; [N, K] → N arrays of K probabilities. */
function rows(data: Float32Array, dims: number[], regression: boolean): (number | number[])[] {
  const n = dims[0] ?? 0;
  if (regression) return Array.from(data.subarray(0, n));
  const width = dims[1] ?? 1;
  const out: number[][] = [];
  for (let i = 0, k = 0; i < n; i++) {
    const row = new Array<number>(width);
    for (let j = 0; j < width; j++) row[j] = data[k++]!;
    out.push(row);
  }
  return out;
}
