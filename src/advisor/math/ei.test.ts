import { expect, test } from 'bun:test';
import { expectedImprovement } from './ei.ts';

test('expected improvement grows with the mean and the uncertainty', () => {
  expect(expectedImprovement(1, 0.25, 0.5, 0).value).toBeGreaterThan(expectedImprovement(0.8, 0.25, 0.5, 0).value);
  expect(expectedImprovement(0, 1, 0.5, 0).value).toBeGreaterThan(expectedImprovement(0, 0.01, 0.5, 0).value);
  expect(expectedImprovement(0.7, 0, 0.5, 0).value).toBeCloseTo(0.2, 12);
});
