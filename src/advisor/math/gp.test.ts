import { expect, test } from 'bun:test';
import { mulberry32 } from '../../model/random.ts';
import { fitHyperparameters, negativeLogPosterior } from './gp-fit.ts';
import { GpPosterior } from './gp-posterior.ts';

const rng = mulberry32(1);
const points = Array.from({ length: 20 }, () => new Float64Array([rng(), rng()]));
const y = Float64Array.from(points, (p) => Math.sin(5 * p[0]!) + p[1]! - 0.5);

test('the log marginal likelihood gradient matches finite differences', () => {
  const theta = new Float64Array([Math.log(0.3), Math.log(0.7), 0.2, Math.log(0.01)]);
  const grad = new Float64Array(4);
  const value = negativeLogPosterior(points, y, theta, grad);
  for (let i = 0; i < 4; i++) {
    const moved = theta.slice();
    moved[i]! += 1e-6;
    expect(grad[i]!).toBeCloseTo((negativeLogPosterior(points, y, moved, new Float64Array(4)) - value) / 1e-6, 3);
  }
});

test('the posterior mean and variance gradients match finite differences', () => {
  const gp = GpPosterior.condition(points, y, { lengthScales: new Float64Array([0.3, 0.5]), signal: 1.3, noise: 1e-4 });
  const x = new Float64Array([0.3, 0.6]);
  const dMean = new Float64Array(2);
  const dVariance = new Float64Array(2);
  const at = gp.predictWithGradient(x, dMean, dVariance);
  for (let i = 0; i < 2; i++) {
    const moved = x.slice();
    moved[i]! += 1e-6;
    const next = gp.predict(moved);
    expect(dMean[i]!).toBeCloseTo((next.mean - at.mean) / 1e-6, 4);
    expect(dVariance[i]!).toBeCloseTo((next.variance - at.variance) / 1e-6, 4);
  }
});

test('a fitted GP predicts a smooth function, and repeated points give no NaN', () => {
  const hyper = fitHyperparameters(points, y, { restarts: 2, rng: mulberry32(2) });
  const gp = GpPosterior.condition(points, y, hyper);
  const test = new Float64Array([0.45, 0.55]);
  expect(gp.predict(test).mean).toBeCloseTo(Math.sin(5 * 0.45) + 0.05, 1);

  const repeated = [...points, ...points.slice(0, 5), ...points.slice(0, 5)];
  const yRepeated = Float64Array.from([...y, ...y.slice(0, 5), ...y.slice(0, 5)]);
  const refit = fitHyperparameters(repeated, yRepeated, { initial: hyper });
  const { mean, variance } = GpPosterior.condition(repeated, yRepeated, { ...refit, noise: 1e-12 }).predict(points[0]!);
  expect(Number.isFinite(mean) && Number.isFinite(variance) && variance > 0).toBe(true);
});
