/**
 * The specification every strategy must meet, as one suite that each
 * strategy's test file runs with its own factory.
 */
import { describe, expect, test } from 'bun:test';
import { knobs, validateKnobs, type KnobConfig, type Knobs } from '../../model/knobs.ts';
import { mulberry32 } from '../../model/random.ts';
import { SearchSpace } from '../space.ts';
import { normalCdf } from '../math/normal.ts';
import { randomStrategy } from './random.ts';
import type { Observation, StrategyFactory } from './strategy.ts';

const MIXED: KnobConfig = {
  lr: knobs.float(1e-4, 1, { log: true }),
  dropout: knobs.float(0, 0.5),
  units: knobs.integer(8, 256, { log: true }),
  layers: knobs.integer(1, 3),
  activation: knobs.categorical(['relu', 'tanh', 'gelu']),
  bias: knobs.categorical([true, false]),
  epochs: knobs.fixed(5),
};

/** A smooth score over MIXED with its optimum inside the ranges. */
function mixedScore(k: Knobs): number {
  return -((Math.log10(k.lr as number) + 2) ** 2) - ((k.dropout as number) - 0.2) ** 2
    - 0.1 * (Math.log2(k.units as number) - 6) ** 2 - ((k.layers as number) === 2 ? 0 : 0.3)
    - (k.activation === 'tanh' ? 0 : 0.5) - (k.bias ? 0 : 0.2);
}

export function branin(k: Knobs): number {
  const x1 = k.x1 as number;
  const x2 = k.x2 as number;
  return (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 * x1 + (5 / Math.PI) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
}
export const BRANIN: KnobConfig = { x1: knobs.float(-5, 10), x2: knobs.float(0, 15) };

/** Runs `evals` sequential trials and returns every proposal and the best score. */
export function run(factory: StrategyFactory, config: KnobConfig, score: (k: Knobs) => number, seed: number, evals: number) {
  const strategy = factory(new SearchSpace(config));
  const rng = mulberry32(seed);
  const observations: Observation[] = [];
  for (let i = 0; i < evals; i++) {
    const knobs = strategy.propose({ observations, pending: [], rng });
    observations.push({ knobs, score: score(knobs) });
  }
  return { proposals: observations.map((o) => o.knobs), best: Math.max(...observations.map((o) => o.score!)) };
}

export interface SuiteOptions {
  /** Trials enough to get past the strategy's random start. */
  evals?: number;
  /** Also require beating random search on Branin. */
  beatsRandom?: boolean;
  /** Evaluations per seed in that comparison. */
  compareEvals?: number;
}

export function strategySuite(name: string, factory: StrategyFactory, { evals = 25, beatsRandom = true, compareEvals = 40 }: SuiteOptions = {}): void {
  describe(`strategy ${name}`, () => {
    test('proposes valid knobs: in bounds, integers whole, categories from the list, fixed values kept', () => {
      const { proposals } = run(factory, MIXED, mixedScore, 1, evals);
      for (const p of proposals) {
        expect(validateKnobs(MIXED, p)).toEqual(p);
        expect(p.epochs).toBe(5);
      }
      expect(new Set(proposals.map((p) => p.activation)).size).toBeGreaterThan(1);
    });

    test('is deterministic under a seed, and the seed matters', () => {
      const a = run(factory, MIXED, mixedScore, 7, evals).proposals;
      expect(run(factory, MIXED, mixedScore, 7, evals).proposals).toEqual(a);
      expect(run(factory, MIXED, mixedScore, 8, evals).proposals).not.toEqual(a);
    });

    test('moves away from pending knobs', () => {
      const space = new SearchSpace(MIXED);
      const strategy = factory(space);
      const rng = mulberry32(3);
      const observations: Observation[] = [];
      for (let i = 0; i < evals; i++) {
        const k = strategy.propose({ observations, pending: [], rng });
        observations.push({ knobs: k, score: mixedScore(k) });
      }
      const pending: Knobs[] = [];
      for (let i = 0; i < 4; i++) pending.push(strategy.propose({ observations, pending, rng }));
      expect(new Set(pending.map((k) => JSON.stringify(k))).size).toBe(4);
    });

    test('survives failed trials and repeated points without NaN', () => {
      const space = new SearchSpace(BRANIN);
      const strategy = factory(space);
      const rng = mulberry32(5);
      const repeated = { x1: 1, x2: 2 };
      const observations: Observation[] = [
        ...Array.from({ length: 6 }, () => ({ knobs: repeated, score: -branin(repeated) })),
        ...Array.from({ length: 6 }, (_, i) => ({ knobs: { x1: i, x2: 14 - i }, score: i % 2 ? null : -branin({ x1: i, x2: 14 - i }) })),
      ];
      for (let i = 0; i < 5; i++) {
        const k = strategy.propose({ observations, pending: [], rng });
        expect(validateKnobs(BRANIN, k)).toEqual(k);
        observations.push({ knobs: k, score: i === 2 ? null : -branin(k) });
      }
    });

    if (beatsRandom) {
      test(`beats random search on Branin after ${compareEvals} evaluations (Mann–Whitney, 10 seeds each, p < 0.01)`, () => {
        const seeds = Array.from({ length: 10 }, (_, i) => i + 1);
        const ours = seeds.map((s) => -run(factory, BRANIN, (k) => -branin(k), s, compareEvals).best);
        const random = seeds.map((s) => -run(randomStrategy, BRANIN, (k) => -branin(k), s + 100, compareEvals).best);
        expect(mannWhitneyLess(ours, random)).toBeLessThan(0.01);
        // 20 seeded searches: a few seconds alone, more when the suite's other files share the 2 cores.
      }, 60_000);
    }
  });
}

/**
 * The one-sided p-value that `a` is no lower than `b` (Mann–Whitney U, normal
 * approximation): small when `a`'s values rank below `b`'s more than chance allows.
 */
export function mannWhitneyLess(a: number[], b: number[]): number {
  let u = 0;
  for (const x of a) for (const y of b) u += x < y ? 1 : x === y ? 0.5 : 0;
  const mean = (a.length * b.length) / 2;
  const sd = Math.sqrt((a.length * b.length * (a.length + b.length + 1)) / 12);
  return 1 - normalCdf((u - mean) / sd);
}
