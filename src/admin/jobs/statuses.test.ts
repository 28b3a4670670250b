import { describe, expect, test } from 'bun:test';
import { deployRefusal, isActive, isDeployable, trainJobStatus } from './statuses.ts';

describe('a train job follows its sub-jobs', () => {
  test('RUNNING while any runs, STARTED while the active ones have not begun', () => {
    expect(trainJobStatus([{ status: 'RUNNING', error: null }, { status: 'ERRORED', error: 'x' }])).toEqual({ status: 'RUNNING', error: null });
    expect(trainJobStatus([{ status: 'STARTED', error: null }, { status: 'STOPPED', error: null }])).toEqual({ status: 'STARTED', error: null });
  });

  test('STOPPED once all ended, unless every one ended in error: then ERRORED with their errors', () => {
    expect(trainJobStatus([{ status: 'ERRORED', error: 'a' }, { status: 'STOPPED', error: null }])).toEqual({ status: 'STOPPED', error: null });
    expect(trainJobStatus([{ status: 'ERRORED', error: 'a' }, { status: 'ERRORED', error: 'b' }])).toEqual({ status: 'ERRORED', error: 'a; b' });
    expect(trainJobStatus([])).toEqual({ status: 'STOPPED', error: null });
  });

  test('STARTED and RUNNING are at work; STOPPED and ERRORED have ended', () => {
    expect((['STARTED', 'RUNNING', 'STOPPED', 'ERRORED'] as const).map(isActive)).toEqual([true, true, false, false]);
  });
});

describe('what may be deployed', () => {
  const job = (status: 'STARTED' | 'RUNNING' | 'STOPPED' | 'ERRORED', error: string | null = null) => ({ app: 'iris', appVersion: 2, status, error });

  test('a COMPLETED trial with a score; no other', () => {
    expect(isDeployable({ status: 'COMPLETED', score: 0.5 })).toBe(true);
    expect(isDeployable({ status: 'COMPLETED', score: null })).toBe(false);
    expect(isDeployable({ status: 'TERMINATED', score: 0.9 })).toBe(false);
  });

  test('a job at work is refused, whatever its trials', () => {
    expect(deployRefusal(job('RUNNING'), [{ status: 'COMPLETED', score: 1 }])).toMatch(/^train job iris v2 is RUNNING; /);
  });

  test('an ended job without a completed trial is refused, with what its trials were', () => {
    expect(deployRefusal(job('STOPPED'), [])).toBe('train job iris v2 (STOPPED) has no completed trial to deploy (it has no trials)');
    expect(deployRefusal(job('STOPPED'), [{ status: 'TERMINATED', score: 0.3 }, { status: 'TERMINATED', score: 0.2 }]))
      .toBe('train job iris v2 (STOPPED) has no completed trial to deploy (its trials: 2 TERMINATED)');
  });

  test('an ended job, STOPPED or ERRORED, with a completed trial may be', () => {
    expect(deployRefusal(job('STOPPED'), [{ status: 'ERRORED', score: null }, { status: 'COMPLETED', score: 0.9 }])).toBeNull();
    expect(deployRefusal(job('ERRORED', '5 trials failed in a row'), [{ status: 'COMPLETED', score: 1 }, { status: 'ERRORED', score: null }])).toBeNull();
  });

  test("an ERRORED job without one is refused with the job's error", () => {
    expect(deployRefusal(job('ERRORED', '5 trials failed in a row; the last: boom'), [{ status: 'ERRORED', score: null }]))
      .toBe("train job iris v2 (ERRORED) has no completed trial to deploy (its trials: 1 ERRORED); the job's error: 5 trials failed in a row; the last: boom");
  });
});
