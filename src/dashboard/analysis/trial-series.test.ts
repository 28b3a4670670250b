import { describe, expect, test } from 'bun:test';
import type { TrialJson, TrialReportJson } from '../../admin/schemas/train-jobs.ts';
import { history, historySummary, learningCurves } from './trial-series.ts';

const trial = (model: string, no: number, status: TrialJson['status'], score: number | null): TrialJson => ({
  id: `${model}-${no}`, no, app: 'iris', app_version: 1, model_id: model, model_name: model.toUpperCase(), model_version: 1, knobs: {},
  status, score, error: null, error_stack: null, worker_id: null, datetime_started: '2025-01-01T00:00:00Z', datetime_stopped: null,
});
const report = (trialId: string, id: number, step: number, score: number | null, decision: 'continue' | 'stop' = 'continue'): TrialReportJson =>
  ({ id: String(id), trial_id: trialId, step, score, decision, time: '2025-01-01T00:00:00Z' });

describe('history', () => {
  test('each template by its own trial numbers, best so far over completed trials only', () => {
    const trials = [
      trial('a', 1, 'COMPLETED', 0.5), trial('a', 2, 'TERMINATED', 0.9), trial('a', 3, 'COMPLETED', 0.4),
      trial('a', 4, 'COMPLETED', 0.7), trial('b', 1, 'ERRORED', null), trial('b', 2, 'RUNNING', null), trial('b', 3, 'COMPLETED', 0.6),
    ];
    const { x, templates, best } = history(trials);
    expect(x).toEqual([1, 2, 3, 4]);
    expect(templates.map((t) => t.name)).toEqual(['A', 'B']);
    expect(templates[0]).toMatchObject({ completed: [0.5, null, 0.4, 0.7], stoppedEarly: [null, 0.9, null, null], best: [0.5, 0.5, 0.5, 0.7] });
    expect(templates[1]).toMatchObject({ completed: [null, null, 0.6, null], best: [null, null, 0.6, 0.6] });
    expect(best?.id).toBe('a-4');
    expect(historySummary(trials)).toBe('Best score 0.7000 at A #4 of 7 trials.');
    expect(historySummary(trials.filter((t) => t.model_id === 'a'))).toBe('Best score 0.7000 at trial 4 of 4 trials.');
    expect(historySummary([trial('a', 1, 'RUNNING', null)])).toBe('No completed trial yet; 0 of 1 trials finished.');
  });
});

describe('learningCurves', () => {
  test('steps aligned across trials, the last score of a step kept, stops where the stopper said stop', () => {
    const a = trial('a', 1, 'COMPLETED', 0.9);
    const b = trial('a', 2, 'TERMINATED', 0.3);
    const silent = trial('a', 3, 'ERRORED', null);
    const reports = [
      report(a.id, 1, 1, 0.5), report(b.id, 2, 1, 0.2), report(a.id, 3, 2, 0.7), report(b.id, 4, 2, 0.3, 'stop'),
      report(a.id, 5, 4, 0.8), report(a.id, 6, 4, 0.9),
    ];
    const curves = learningCurves([a, b, silent], reports);
    expect(curves.steps).toEqual([1, 2, 4]);
    expect(curves.curves).toEqual([{ trial: a, scores: [0.5, 0.7, 0.9] }, { trial: b, scores: [0.2, 0.3, null] }]);
    expect(curves.stops).toEqual([{ trial: b, step: 2, score: 0.3 }]);
  });
});
