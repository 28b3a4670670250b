/**
 * The median stopping rule (Golovin et al. 2017, Google Vizier): stop a trial
 * whose best score so far is below the median of what the other trials had
 * reached by the same step.
 */
import type { Decision, EarlyStopper } from './stopper.ts';

export interface MedianOptions {
  /** Other trials that must have reached a step before the rule applies there. */
  startupTrials?: number;
  /** Steps during which no trial is stopped. */
  warmupSteps?: number;
}

/**
 * @example
 * const median = medianStopper({ startupTrials: 5 });
 * median.report(trialNo, epoch, accuracy); // 'continue' or 'stop'
 */
export function medianStopper({ startupTrials = 5, warmupSteps = 0 }: MedianOptions = {}): EarlyStopper {
  if (!(startupTrials >= 1)) throw new RangeError(`startupTrials must be at least 1 but got ${startupTrials}`);
  const reports = new Map<number, { step: number; score: number }[]>();

  const bestBy = (trial: { step: number; score: number }[], step: number) =>
    trial.reduce((best, r) => (r.step <= step ? Math.max(best, r.score) : best), -Infinity);

  return {
    report(trialNo, step, score): Decision {
      const own = reports.get(trialNo) ?? [];
      own.push({ step, score });
      reports.set(trialNo, own);
      if (step <= warmupSteps) return 'continue';
      const others: number[] = [];
      for (const [other, trial] of reports) {
        if (other === trialNo || !trial.some((r) => r.step >= step)) continue;
        others.push(bestBy(trial, step));
      }
      if (others.length < startupTrials) return 'continue';
      others.sort((a, b) => a - b);
      const mid = others.length / 2;
      const median = others.length % 2 ? others[Math.floor(mid)]! : (others[mid - 1]! + others[mid]!) / 2;
      return bestBy(own, step) < median ? 'stop' : 'continue';
    },
  };
}
