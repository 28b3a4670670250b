import type { QueryAnswer } from './queue/queue.ts';

export interface Collected {
  /** Per query, the answers that arrived, by trial. */
  answers: Map<string, QueryAnswer>[];
  /** Whether every trial answered every query before the deadline. */
  complete: boolean;
}

/**
 * Gathers the answers of one request's queries from every trial, and settles
 * `done` when all have arrived or at the deadline, whichever comes first, with
 * what has arrived. Answers after that, and repeated ones, are ignored.
 *
 * @example
 * const pending = new PendingAnswers({ queries: 2, trials: ['t1', 't2'], deadlineMs: 1000 });
 * pending.add(0, { id: 'r1:0', trialId: 't1', prediction: [0.3, 0.7] });
 * const { answers, complete } = await pending.done;
 */
export class PendingAnswers {
  readonly done: Promise<Collected>;
  private readonly answers: Map<string, QueryAnswer>[];
  private missing: number;
  private settle!: (collected: Collected) => void;
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor({ queries, trials, deadlineMs }: { queries: number; trials: string[]; deadlineMs: number }) {
    this.answers = Array.from({ length: queries }, () => new Map());
    this.missing = queries * trials.length;
    this.done = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.timer = setTimeout(() => this.finish(false), deadlineMs);
  }

  add(query: number, answer: QueryAnswer): void {
    const got = this.answers[query];
    if (!got || got.has(answer.trialId) || this.missing === 0) return;
    got.set(answer.trialId, answer);
    if (--this.missing === 0) this.finish(true);
  }

  /** Settles now with what has arrived (a stop that cannot wait, a push that failed). */
  abandon(): void {
    this.finish(false);
  }

  private finish(complete: boolean): void {
    clearTimeout(this.timer);
    this.missing = 0;
    this.settle({ answers: this.answers, complete });
  }
}
