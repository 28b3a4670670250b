/**
 * The query queue between the frontends that accept requests and the batchers
 * that feed inference workers: one queue per trial, and a way back for answers
 * to the frontend (the *origin*) that took the request.
 *
 * Calls, in order of a query's life:
 * - `push` when a frontend accepts a request: one entry per query, on every trial's queue.
 * - `take` by a batcher with an idle replica: up to `max` entries, each given to
 *   one taker only; an entry taken by a taker that dies before `reply` is given
 *   again to another (at-least-once), so answers may repeat and origins keep the first.
 * - `reply` once the batch is predicted: answers reach `onAnswers` of each entry's
 *   origin, and the entries leave the queue.
 *
 * Every implementation keeps entries of one trial in arrival order, never
 * mutates what it returned, and throws QueueUnavailableError (rather than
 * waiting) from `push` while its backing service is unreachable.
 */
export interface QueryQueue {
  /** This frontend's name, the origin of what it pushes. */
  readonly origin: string;
  push(trialId: string, entries: QueueEntry[]): Promise<void>;
  /** Waits up to `waitMs` (0: not at all) for at least one entry. */
  take(trialId: string, max: number, waitMs: number): Promise<QueueEntry[]>;
  reply(trialId: string, taken: QueueEntry[], answers: QueryAnswer[]): Promise<void>;
  /** Registers the receiver of answers to this origin's queries. */
  onAnswers(listener: (answers: QueryAnswer[]) => void): void;
  /** Whether `push` can succeed now; false answers new requests 503 at once. */
  available(): boolean;
  close(): Promise<void>;
}

/** One query of one request, for one trial. */
export interface QueueEntry {
  /** Unique per origin: `${requestId}:${queryIndex}`. */
  id: string;
  origin: string;
  /** Wall-clock ms after which nobody waits for the answer: takers drop it. */
  deadline: number;
  enqueuedAt: number;
  /** An ONNX trial's input row, or a template trial's raw query. */
  payload: { row: Float32Array } | { query: unknown };
}

export interface QueryAnswer {
  id: string;
  trialId: string;
  /** Probabilities per class (classification) or a value (regression). */
  prediction?: number[] | number;
  error?: { status: number; message: string };
}

export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
}
