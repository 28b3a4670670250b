import { expect, test } from 'bun:test';
import { minimize } from './lbfgs.ts';

test('L-BFGS finds the minimum of Rosenbrock, and respects bounds', () => {
  const rosenbrock = (x: Float64Array, g: Float64Array) => {
    const [a, b] = [x[0]!, x[1]!];
    g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
    g[1] = 200 * (b - a * a);
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  };
  const free = minimize(rosenbrock, new Float64Array([-1.2, 1]), { maxIterations: 200 });
  expect(free.x[0]!).toBeCloseTo(1, 3);
  expect(free.x[1]!).toBeCloseTo(1, 3);
  const boxed = minimize(rosenbrock, new Float64Array([0, 0]), { upper: [0.5, 0.5], maxIterations: 200 });
  expect(boxed.x[0]!).toBeCloseTo(0.5, 3);
  expect(boxed.x[1]!).toBeCloseTo(0.25, 3);
});
