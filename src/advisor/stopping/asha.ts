/**
 * Asynchronous successive halving (Li et al. 2020) as a stopping rule: rung k
 * sits at `minResource · η^k` steps. When a trial first reaches a rung, its score
 * is recorded there, and it goes on only if it is in the top 1/η of the scores
 * recorded at that rung so far (while fewer than η are recorded, only the best
 * goes on: a trial cannot be paused and resumed later, as in Optuna's variant).
 */
import type { Decision, EarlyStopper } from './stopper.ts';

export interface AshaOptions {
  /** η: one trial in η goes on at each rung. */
  reductionFactor?: number;
  /** Steps before the first rung. */
  minResource?: number;
  /** Steps of a full trial; no rung at or beyond it. */
  maxResource?: number;
}

/**
 * @example
 * const asha = ashaStopper({ reductionFactor: 3, minResource: 1, maxResource: 27 });
 * asha.report(1, 1, 0.8); // 'continue': the first score at rung 0
 * asha.report(2, 1, 0.5); // 'stop': not the best of two
 */
export function ashaStopper({ reductionFactor = 3, minResource = 1, maxResource }: AshaOptions = {}): EarlyStopper {
  if (!(reductionFactor > 1)) throw new RangeError(`reductionFactor must be greater than 1 but got ${reductionFactor}`);
  if (!(minResource > 0)) throw new RangeError(`minResource must be positive but got ${minResource}`);
  if (maxResource !== undefined && !(maxResource >= minResource)) {
    throw new RangeError(`maxResource must be at least minResource (${minResource}) but got ${maxResource}`);
  }
  const rungs: number[][] = [];
  const nextRung = new Map<number, number>();

  const promotable = (scores: number[], score: number): boolean => {
    const sorted = [...scores].sort((a, b) => b - a);
    const keep = Math.max(1, Math.floor(sorted.length / reductionFactor));
    return score >= sorted[keep - 1]!;
  };

  return {
    maxResource,
    report(trialNo, step, score): Decision {
      let rung = nextRung.get(trialNo) ?? 0;
      for (;;) {
        const resource = minResource * reductionFactor ** rung;
        if (step < resource || (maxResource !== undefined && resource >= maxResource)) return 'continue';
        const scores = (rungs[rung] ??= []);
        scores.push(score);
        nextRung.set(trialNo, ++rung);
        if (!promotable(scores, score)) return 'stop';
      }
    },
  };
}
