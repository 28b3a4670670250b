import { describe, expect, test } from 'bun:test';
import { ashaStopper } from './asha.ts';

describe('ashaStopper', () => {
  test('promotes the top 1/η at each rung and stops the rest (η = 3, rungs at 1, 3, 9)', () => {
    const asha = ashaStopper({ reductionFactor: 3, minResource: 1, maxResource: 27 });
    // Rung 0 (step 1): with fewer than η scores only the best goes on.
    expect(asha.report(1, 1, 0.5)).toBe('continue');
    expect(asha.report(2, 1, 0.4)).toBe('stop');
    expect(asha.report(3, 1, 0.6)).toBe('continue');
    expect(asha.report(4, 1, 0.55)).toBe('stop'); // 4 scores: the top 1 is 0.6
    expect(asha.report(5, 1, 0.3)).toBe('stop');
    expect(asha.report(6, 1, 0.58)).toBe('continue'); // 6 scores: the top 2 are 0.6 and 0.58
    // Between rungs nothing is decided.
    expect(asha.report(1, 2, 0.1)).toBe('continue');
    // Rung 1 (step 3).
    expect(asha.report(3, 3, 0.7)).toBe('continue');
    expect(asha.report(6, 3, 0.65)).toBe('stop');
    expect(asha.report(1, 3, 0.8)).toBe('continue'); // 3 scores: the top 1 is 0.8
    // Rung 2 (step 9), and no rung at the maximum resource, 27.
    expect(asha.report(1, 9, 0.85)).toBe('continue');
    expect(asha.report(3, 9, 0.7)).toBe('stop');
    expect(asha.report(1, 27, 0.1)).toBe('continue');
  });

  test('a report that skips rungs is judged at each rung it passed', () => {
    const asha = ashaStopper({ minResource: 1 });
    expect(asha.report(1, 10, 0.9)).toBe('continue'); // rungs 1, 3 and 9, all its own
    expect(asha.report(2, 10, 0.5)).toBe('stop'); // below trial 1 at rung 1 already
  });

  test('the minimum resource delays the first rung; reports before it always continue', () => {
    const asha = ashaStopper({ minResource: 5, reductionFactor: 2 });
    expect(asha.report(1, 5, 0.9)).toBe('continue');
    for (let step = 1; step < 5; step++) expect(asha.report(2, step, 0.1)).toBe('continue');
    expect(asha.report(2, 5, 0.1)).toBe('stop');
  });

  test('checks its options, naming the bad value', () => {
    expect(() => ashaStopper({ reductionFactor: 1 })).toThrow('reductionFactor must be greater than 1 but got 1');
    expect(() => ashaStopper({ minResource: 0 })).toThrow('minResource must be positive but got 0');
    expect(() => ashaStopper({ minResource: 3, maxResource: 2 })).toThrow('maxResource must be at least minResource (3) but got 2');
  });
});
