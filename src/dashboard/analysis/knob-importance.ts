/**
 * How much of the spread in score each knob explains, from completed trials,
 * computed in the browser: for each knob, the trials are grouped by its value
 * (categories as they are, numbers in equal-count bins) and the share of the
 * score's variance that lies between the groups is measured, less what that many
 * groups of random scores would explain by chance (Kelley's ε², the bias-corrected
 * correlation ratio η²). The knobs' ε² are then normalised to sum to 1.
 *
 * Why this: it is a few lines, needs no model fit, runs instantly on thousands of
 * trials, treats categorical and numeric knobs alike, is blind to a knob's scale
 * (equal-count bins: a log-scale knob bins the same as its logarithm would), and
 * the chance correction keeps a knob from looking important merely because it has
 * many values and there are few trials.
 *
 * Its limits, against Optuna's fANOVA (a random forest fitted to the trials, its
 * variance decomposed): each knob is measured alone, so an effect that exists only
 * in combination with another knob is missed or split between them; knobs that the
 * Advisor varied together (correlated samples, as TPE and GP produce once they
 * focus) share credit that belongs to one; binning loses effects within a bin; and
 * with few trials the figures are noisy. Read it as a first hint of where to look,
 * not a measurement.
 *
 * @example
 * knobImportance([{ knobs: { lr: 0.1, opt: 'adam' }, score: 0.9 }, …])
 * // [{ knob: 'lr', share: 0.8, epsilonSquared: 0.62, etaSquared: 0.66 }, { knob: 'opt', share: 0.2, … }]
 */
import type { KnobValue } from '../../model/knobs.ts';

export interface ScoredKnobs {
  knobs: Record<string, KnobValue>;
  score: number;
}

export interface KnobImportance {
  knob: string;
  /** This knob's part of the sum of all knobs' ε² (0 when no knob explains anything beyond chance). */
  share: number;
  /** Share of the score's variance between the knob's groups, less chance; clipped at 0. */
  epsilonSquared: number;
  /** Share of the score's variance between the knob's groups (the correlation ratio). */
  etaSquared: number;
}

/** Fewer trials than this say nothing; the answer is then empty. */
export const MIN_TRIALS = 4;

/**
 * Each varying knob's importance, most important first. Knobs with a single value
 * across the trials (fixed knobs) are left out; a trial without a knob (another
 * template's) counts as its own group. Empty with fewer than MIN_TRIALS trials or
 * when every score is the same.
 */
export function knobImportance(trials: readonly ScoredKnobs[], { maxBins = 10 }: { maxBins?: number } = {}): KnobImportance[] {
  if (maxBins < 2) throw new Error(`maxBins must be 2 or more but got ${maxBins}`);
  const scored = trials.filter((t) => Number.isFinite(t.score));
  const n = scored.length;
  if (n < MIN_TRIALS) return [];
  const mean = scored.reduce((sum, t) => sum + t.score, 0) / n;
  const total = scored.reduce((sum, t) => sum + (t.score - mean) ** 2, 0);
  if (total <= 0) return [];
  // Enough trials per bin for its mean to mean something: about √n bins.
  const bins = Math.max(2, Math.min(maxBins, Math.round(Math.sqrt(n))));

  const names = [...new Set(scored.flatMap((t) => Object.keys(t.knobs)))];
  const found: Omit<KnobImportance, 'share'>[] = [];
  for (const knob of names) {
    const groups = groupsOf(scored.map((t) => t.knobs[knob]), bins);
    const k = Math.max(...groups) + 1;
    if (k < 2) continue;
    const sums = new Float64Array(k);
    const counts = new Float64Array(k);
    scored.forEach((t, i) => {
      sums[groups[i]!]! += t.score;
      counts[groups[i]!]!++;
    });
    let between = 0;
    for (let g = 0; g < k; g++) if (counts[g]! > 0) between += counts[g]! * (sums[g]! / counts[g]! - mean) ** 2;
    const etaSquared = between / total;
    // With as many groups as trials, every trial is its own group: nothing is left to tell chance by.
    const withinMeanSquare = n > k ? (total - between) / (n - k) : Infinity;
    const epsilonSquared = Math.max(0, (between - (k - 1) * withinMeanSquare) / total);
    found.push({ knob, etaSquared, epsilonSquared: Number.isFinite(epsilonSquared) ? epsilonSquared : 0 });
  }
  const sum = found.reduce((s, f) => s + f.epsilonSquared, 0);
  return found
    .map((f) => ({ ...f, share: sum > 0 ? f.epsilonSquared / sum : 0 }))
    .sort((a, b) => b.share - a.share || b.etaSquared - a.etaSquared || a.knob.localeCompare(b.knob));
}

/**
 * A group index per value: one per distinct value, or, for numbers with more
 * distinct values than `bins`, equal-count bins by rank (equal values always in
 * one bin). Missing values are a group of their own.
 */
function groupsOf(values: (KnobValue | undefined)[], bins: number): number[] {
  const distinct = [...new Set(values)];
  const numeric = distinct.every((v) => typeof v === 'number' || v === undefined);
  if (!numeric || distinct.length <= bins) {
    const index = new Map(distinct.map((v, i) => [v, i]));
    return values.map((v) => index.get(v)!);
  }
  const present = values.map((v, i) => ({ v, i })).filter((p): p is { v: number; i: number } => typeof p.v === 'number');
  present.sort((a, b) => a.v - b.v);
  const groups = new Array<number>(values.length).fill(-1);
  let bin = 0;
  for (let r = 0; r < present.length; r++) {
    // A new bin starts where the rank passes the next quantile, but never inside a run of equal values.
    const due = Math.floor((r * bins) / present.length);
    if (due > bin && present[r]!.v !== present[r - 1]!.v) bin = due;
    groups[present[r]!.i] = bin;
  }
  // Bins skipped over by long runs of one value leave gaps; close them, and put missing values last.
  const used = [...new Set(groups.filter((g) => g >= 0))].sort((a, b) => a - b);
  const renumber = new Map(used.map((g, i) => [g, i]));
  return groups.map((g) => (g < 0 ? used.length : renumber.get(g)!));
}
