import { describe, expect, test } from 'bun:test';
import { mulberry32 } from '../../model/random.ts';
import { knobImportance, MIN_TRIALS, type ScoredKnobs } from './knob-importance.ts';

describe('knobImportance', () => {
  test('the correlation ratio and its chance correction, worked by hand', () => {
    // Scores 1, 2 under A and 3, 4 under B: mean 2.5, total sum of squares 5, between the groups 4 (η² = 0.8);
    // within 1 over 4 − 2 degrees of freedom = 0.5 a trial, so ε² = (4 − 1 × 0.5) / 5 = 0.7.
    const trials = [
      { knobs: { opt: 'A', epochs: 5 }, score: 1 },
      { knobs: { opt: 'A', epochs: 5 }, score: 2 },
      { knobs: { opt: 'B', epochs: 5 }, score: 3 },
      { knobs: { opt: 'B', epochs: 5 }, score: 4 },
    ];
    const [only, ...rest] = knobImportance(trials);
    expect(rest).toEqual([]); // `epochs` is fixed: it explains nothing and is left out
    expect(only!.knob).toBe('opt');
    expect(only!.etaSquared).toBeCloseTo(0.8, 12);
    expect(only!.epsilonSquared).toBeCloseTo(0.7, 12);
    expect(only!.share).toBe(1);
  });

  test('a knob with no effect in a balanced design gets nothing; the one that drives the score gets all', () => {
    // score = 1 + 2a + 0.2r for every combination of a, b and replicate r: b's groups have the same mean.
    const trials = [0, 1].flatMap((a) => [0, 1].flatMap((b) => [0, 1].map((r) => ({ knobs: { a, b }, score: 1 + 2 * a + 0.2 * r }))));
    const importance = knobImportance(trials);
    expect(importance.map((i) => i.knob)).toEqual(['a', 'b']);
    expect(importance[0]!.share).toBe(1);
    expect(importance[1]).toMatchObject({ share: 0, etaSquared: 0, epsilonSquared: 0 });
  });

  test('numeric knobs are binned by rank: a log-scale knob that sets the score stands out from noise knobs', () => {
    const random = mulberry32(7);
    const trials = Array.from({ length: 200 }, () => {
      const lr = 10 ** (-4 + 4 * random());
      return { knobs: { lr, noise: random(), batch: [16, 32, 64][Math.floor(random() * 3)]! }, score: Math.log10(lr) + 0.05 * random() };
    });
    const [lr, ...others] = knobImportance(trials);
    expect(lr!.knob).toBe('lr');
    expect(lr!.epsilonSquared).toBeGreaterThan(0.95);
    expect(lr!.share).toBeGreaterThan(0.9);
    for (const other of others) expect(other.epsilonSquared).toBeLessThan(0.05);
    // The shares are a split of the whole.
    expect(knobImportance(trials).reduce((sum, i) => sum + i.share, 0)).toBeCloseTo(1, 12);
  });

  test('equal values share a bin however the quantiles fall', () => {
    // Ten trials at 1 (score 0) and ten spread above (score 1): √20 ≈ 4 bins, but the ones cannot be split,
    // so they are one group and the knob explains the scores entirely.
    const trials = [
      ...Array.from({ length: 10 }, () => ({ knobs: { x: 1 }, score: 0 })),
      ...Array.from({ length: 10 }, (_, i) => ({ knobs: { x: 2 + i }, score: 1 })),
    ];
    expect(knobImportance(trials)[0]!.etaSquared).toBeCloseTo(1, 12);
  });

  test("a trial without a knob (another template's) is a group of its own", () => {
    const trials: ScoredKnobs[] = [
      { knobs: { depth: 1 }, score: 0.5 },
      { knobs: { depth: 2 }, score: 0.5 },
      { knobs: { rate: 0.1 }, score: 0.9 },
      { knobs: { rate: 0.2 }, score: 0.9 },
      { knobs: { rate: 0.3 }, score: 0.9 },
    ];
    const importance = knobImportance(trials);
    expect(importance.map((i) => i.knob).sort()).toEqual(['depth', 'rate']);
    for (const knob of importance) expect(knob.etaSquared).toBeCloseTo(1, 12);
  });

  test('too few trials, scores all the same, or every trial its own group: nothing to say', () => {
    const few = Array.from({ length: MIN_TRIALS - 1 }, (_, i) => ({ knobs: { x: i }, score: i }));
    expect(knobImportance(few)).toEqual([]);
    expect(knobImportance(Array.from({ length: 8 }, (_, i) => ({ knobs: { x: i % 2 }, score: 0.5 })))).toEqual([]);
    const unique = ['a', 'b', 'c', 'd', 'e'].map((x, i) => ({ knobs: { x }, score: i }));
    expect(knobImportance(unique)).toEqual([{ knob: 'x', share: 0, epsilonSquared: 0, etaSquared: 1 }]);
    expect(() => knobImportance(few, { maxBins: 1 })).toThrow('maxBins must be 2 or more but got 1');
  });
});
