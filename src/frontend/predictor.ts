import { RafikiError } from '../common/errors.ts';
import type { OnnxInputSpec } from '../model/model.ts';
import type { Task } from '../model/task.ts';
import { PendingAnswers } from './deadline.ts';
import { encodeQueries } from './encode.ts';
import { ensemble, type Ensemble, type Prediction } from './ensemble.ts';
import { QueueUnavailableError, type QueryAnswer, type QueryQueue, type QueueEntry } from './queue/queue.ts';

export interface ServedTrial {
  trialId: string;
  classes: string[];
  /** The ONNX input spec; null when the template predicts itself. */
  input: OnnxInputSpec | null;
}

/** A model failed on a query: told in its own words to those who may debug it, in `generic` to others. */
export class ModelFailure extends RafikiError {
  constructor(detailed: string, readonly generic: string) {
    super('INTERNAL', detailed);
  }
}

export interface PredictResult {
  predictions: Prediction[];
  /** Some trial's answer was missing at the deadline, so the ensemble is smaller. */
  partial: boolean;
}

/**
 * The one predict path under both protocols: checks and encodes the queries
 * for each trial (an ONNX trial gets its input rows built here, so a bad query
 * is a 400 before anything is queued), puts every query on every trial's
 * queue, waits for the answers until the deadline and ensembles them.
 *
 * @example
 * const predictor = new Predictor({ task, trials, queue });
 * const { predictions, partial } = await predictor.predict([[5.1, 3.5, 1.4, 0.2]], { deadlineMs: 1000 });
 */
export class Predictor {
  readonly ensemble: Ensemble;
  private readonly pending = new Map<string, PendingAnswers>();
  private readonly trialIds: string[];
  /** Trials with the same input spec share one encoding of a request's queries. */
  private readonly encodings: { input: OnnxInputSpec | null; trials: number[] }[];
  private sequence = 0;

  constructor(private readonly options: { task: Task; trials: ServedTrial[]; queue: QueryQueue }) {
    this.ensemble = ensemble(options.task, options.trials);
    this.trialIds = options.trials.map((t) => t.trialId);
    const bySpec = new Map<string, { input: OnnxInputSpec | null; trials: number[] }>();
    options.trials.forEach(({ input }, t) => {
      const key = JSON.stringify(input);
      const group = bySpec.get(key) ?? { input, trials: [] };
      group.trials.push(t);
      bySpec.set(key, group);
    });
    this.encodings = [...bySpec.values()];
    options.queue.onAnswers((answers) => this.receive(answers));
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * The input spec every trial shares, when they are all ONNX trials of one
   * spec: then `predictRows` takes rows already encoded for it.
   */
  get commonInput(): OnnxInputSpec | null {
    return this.encodings.length === 1 ? this.encodings[0]!.input : null;
  }

  async predict(queries: unknown[], { deadlineMs }: { deadlineMs: number }): Promise<PredictResult> {
    if (queries.length === 0) return { predictions: [], partial: false };
    return this.dispatch(this.encode(queries), queries.length, deadlineMs);
  }

  /** Queries already encoded as rows of `commonInput`, one per query. */
  async predictRows(rows: Float32Array[], { deadlineMs }: { deadlineMs: number }): Promise<PredictResult> {
    if (this.commonInput === null) throw new Error('predictRows needs trials that share one ONNX input spec');
    if (rows.length === 0) return { predictions: [], partial: false };
    const payloads = rows.map((row) => ({ row }));
    return this.dispatch(this.options.trials.map(() => payloads), rows.length, deadlineMs);
  }

  /** Puts each trial's payloads on its queue, waits for the answers until the deadline, and ensembles them. */
  private async dispatch(payloads: QueueEntry['payload'][][], queries: number, deadlineMs: number): Promise<PredictResult> {
    const { queue, trials } = this.options;
    const requestId = `${++this.sequence}`;
    const now = Date.now();
    const pending = new PendingAnswers({ queries, trials: this.trialIds, deadlineMs });
    this.pending.set(requestId, pending);
    try {
      try {
        await Promise.all(trials.map((trial, t) => queue.push(trial.trialId, payloads[t]!.map((payload, q): QueueEntry => ({
          id: `${requestId}:${q}`, origin: queue.origin, deadline: now + deadlineMs, enqueuedAt: now, payload,
        })))));
      } catch (err) {
        pending.abandon();
        if (err instanceof QueueUnavailableError) throw new RafikiError('UNAVAILABLE', `the query queue is unavailable, try again shortly (${err.message})`);
        throw err;
      }
      const { answers, complete } = await pending.done;
      return this.combine(answers, complete);
    } finally {
      this.pending.delete(requestId);
    }
  }

  /** Per trial, one payload per query. */
  private encode(queries: unknown[]): QueueEntry['payload'][][] {
    const payloads: QueueEntry['payload'][][] = [];
    for (const { input, trials } of this.encodings) {
      const encoded = input === null ? queries.map((query) => ({ query })) : encodeQueries(input, queries).map((row) => ({ row }));
      for (const t of trials) payloads[t] = encoded;
    }
    return payloads;
  }

  private receive(answers: QueryAnswer[]): void {
    for (const answer of answers) {
      const colon = answer.id.lastIndexOf(':');
      this.pending.get(answer.id.slice(0, colon))?.add(Number(answer.id.slice(colon + 1)), answer);
    }
  }

  private combine(answers: Map<string, QueryAnswer>[], complete: boolean): PredictResult {
    let partial = !complete;
    const predictions = answers.map((got, q) => {
      const byTrial = this.trialIds.map((id) => got.get(id)?.prediction ?? null);
      if (complete && byTrial.every((p) => p !== null)) return this.ensemble.combine(byTrial);
      const errors = [...got.values()].flatMap((a) => (a.error ? [a.error] : []));
      if (errors.length > 0) partial = true;
      if (byTrial.every((p) => p === null)) {
        const refused = errors.find((e) => e.status === 400);
        if (refused) throw new RafikiError('BAD_REQUEST', refused.message.startsWith('query ') ? refused.message : `query ${q}: ${refused.message}`);
        if (errors[0]) throw new ModelFailure(`the model failed on query ${q}: ${errors[0].message}`, `the model failed on query ${q}`);
        throw new RafikiError('TIMEOUT', `no prediction of query ${q} arrived within the deadline`);
      }
      return this.ensemble.combine(byTrial);
    });
    return { predictions, partial };
  }
}
