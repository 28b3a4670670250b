import { expect, test } from 'bun:test';
import { medianStopper } from './median.ts';

test('the median rule stops a trial below the median of the others at the same step, after the startup trials', () => {
  const median = medianStopper({ startupTrials: 3, warmupSteps: 1 });
  for (const [trial, scores] of [[1, [0.2, 0.5, 0.6]], [2, [0.3, 0.6, 0.7]], [3, [0.1, 0.4, 0.5]]] as const) {
    scores.forEach((score, i) => expect(median.report(trial, i + 1, score)).toBe('continue'));
  }
  expect(median.report(4, 1, 0.0)).toBe('continue'); // warm-up
  expect(median.report(4, 2, 0.55)).toBe('continue'); // median at step 2 is 0.5
  expect(median.report(4, 3, 0.52)).toBe('stop'); // its best, 0.55, is below 0.6
  expect(medianStopper({ startupTrials: 5 }).report(1, 3, 0)).toBe('continue'); // nobody to compare with
});
