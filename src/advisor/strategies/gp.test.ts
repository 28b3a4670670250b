import { expect, test } from 'bun:test';
import { gpStrategy } from './gp.ts';
import { BRANIN, branin, run, strategySuite } from './strategy-suite.ts';

strategySuite('gp', (space) => gpStrategy(space));

test('gp refines the optimum of Branin closely within 60 evaluations', () => {
  const best = -run((space) => gpStrategy(space), BRANIN, (k) => -branin(k), 11, 60).best;
  expect(best).toBeLessThan(0.41);
});
