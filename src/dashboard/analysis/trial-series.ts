/**
 * A job's trials and reports as the series its charts draw: the optimisation
 * history (score by trial number, best so far, per template, since each template
 * numbers its own trials) and the learning curves (score by step, per trial, with
 * where the early stopper said stop). Scores are higher-is-better throughout;
 * "best" counts COMPLETED trials only, as the API's best trials do.
 */
import type { TrialJson, TrialReportJson } from '../../admin/schemas/train-jobs.ts';
import { formatScore } from '../components/format.ts';

export const trialLabel = (trial: Pick<TrialJson, 'model_name' | 'no'>) => `${trial.model_name} #${trial.no}`;

export interface TemplateHistory {
  modelId: string;
  name: string;
  /** By trial number (x): the score of a COMPLETED trial, else null. */
  completed: (number | null)[];
  /** By trial number: the score of a trial the early stopper ended (TERMINATED), else null. */
  stoppedEarly: (number | null)[];
  /** By trial number: the best COMPLETED score up to that number, null before the first. */
  best: (number | null)[];
}

export interface History {
  /** Trial numbers, 1 to the highest. */
  x: number[];
  templates: TemplateHistory[];
  /** The best COMPLETED trial of all. */
  best: TrialJson | null;
}

export function history(trials: readonly TrialJson[]): History {
  const highest = trials.reduce((max, t) => Math.max(max, t.no), 0);
  const x = Array.from({ length: highest }, (_, i) => i + 1);
  const byModel = new Map<string, TrialJson[]>();
  for (const trial of trials) byModel.set(trial.model_id, [...(byModel.get(trial.model_id) ?? []), trial]);
  const templates = [...byModel.entries()]
    .map(([modelId, own]) => {
      const completed = new Array<number | null>(highest).fill(null);
      const stoppedEarly = new Array<number | null>(highest).fill(null);
      for (const t of own) {
        if (t.score === null) continue;
        if (t.status === 'COMPLETED') completed[t.no - 1] = t.score;
        else if (t.status === 'TERMINATED') stoppedEarly[t.no - 1] = t.score;
      }
      const best: (number | null)[] = [];
      let sofar: number | null = null;
      for (const score of completed) {
        if (score !== null && (sofar === null || score > sofar)) sofar = score;
        best.push(sofar);
      }
      return { modelId, name: own[0]!.model_name, completed, stoppedEarly, best };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { x, templates, best: bestTrial(trials) };
}

export function bestTrial(trials: readonly TrialJson[]): TrialJson | null {
  let best: TrialJson | null = null;
  for (const t of trials) if (t.status === 'COMPLETED' && t.score !== null && (best === null || t.score > best.score!)) best = t;
  return best;
}

/** What the history chart shows, in a sentence, for screen readers and the chart's caption. */
export function historySummary(trials: readonly TrialJson[]): string {
  const best = bestTrial(trials);
  const done = trials.filter((t) => t.status !== 'RUNNING' && t.status !== 'PENDING').length;
  const oneTemplate = new Set(trials.map((t) => t.model_id)).size <= 1;
  if (!best) return trials.length === 0 ? 'No trials yet.' : `No completed trial yet; ${done} of ${trials.length} trials finished.`;
  const where = oneTemplate ? `trial ${best.no}` : trialLabel(best);
  return `Best score ${formatScore(best.score)} at ${where} of ${trials.length} trials.`;
}

export interface LearningCurves {
  /** Every step any trial reported, ascending. */
  steps: number[];
  /** Per trial that reported, in the order they first reported: its score at each step (null where it reported none). */
  curves: { trial: TrialJson; scores: (number | null)[] }[];
  /** Where the early stopper told a trial to stop: the report it decided on. */
  stops: { trial: TrialJson; step: number; score: number }[];
}

export function learningCurves(trials: readonly TrialJson[], reports: readonly TrialReportJson[]): LearningCurves {
  const byTrial = new Map<string, TrialReportJson[]>();
  for (const report of reports) byTrial.set(report.trial_id, [...(byTrial.get(report.trial_id) ?? []), report]);
  const steps = [...new Set(reports.map((r) => r.step))].sort((a, b) => a - b);
  const column = new Map(steps.map((step, i) => [step, i]));
  const curves: LearningCurves['curves'] = [];
  const stops: LearningCurves['stops'] = [];
  const known = new Map(trials.map((t) => [t.id, t]));
  // In the order they first reported, so that a new trial's curve comes after the others.
  for (const [id, own] of byTrial) {
    const trial = known.get(id);
    if (!trial) continue;
    const scores = new Array<number | null>(steps.length).fill(null);
    // Reports come in order; a step reported twice keeps its last score.
    for (const r of own) {
      scores[column.get(r.step)!] = r.score;
      if (r.decision === 'stop' && r.score !== null) stops.push({ trial, step: r.step, score: r.score });
    }
    curves.push({ trial, scores });
  }
  return { steps, curves, stops };
}

export function learningCurvesSummary(curves: LearningCurves): string {
  if (curves.curves.length === 0) return 'No trial has reported a score during training yet.';
  const stopped = new Set(curves.stops.map((s) => s.trial.id)).size;
  const last = curves.steps.at(-1);
  return `${curves.curves.length} trials reported scores, up to step ${last}; the early stopper stopped ${stopped}.`;
}
