import { expect, test } from 'bun:test';
import { knobs } from '../../model/knobs.ts';
import { SearchSpace } from '../space.ts';
import { autoStrategy } from './auto.ts';
import { strategySuite } from './strategy-suite.ts';

strategySuite('auto', (space) => autoStrategy(space));

test('auto picks random for fixed knobs only, gp for a few dimensions, tpe for many', () => {
  expect(autoStrategy(new SearchSpace({ epochs: knobs.fixed(3) })).name).toBe('random');
  expect(autoStrategy(new SearchSpace({ lr: knobs.float(1e-4, 1, { log: true }), act: knobs.categorical(['a', 'b']) })).name).toBe('gp');
  const wide = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x${i}`, knobs.float(0, 1)]));
  expect(autoStrategy(new SearchSpace(wide)).name).toBe('tpe');
  const manyCategories = { c: knobs.categorical(Array.from({ length: 25 }, (_, i) => `v${i}`)) };
  expect(autoStrategy(new SearchSpace(manyCategories)).name).toBe('tpe');
});
