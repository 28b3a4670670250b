/**
 * Hyperparameters of Gaussian-process regression (Matérn 5/2 ARD kernel, Gaussian
 * noise) fit by maximising the log marginal likelihood, with weak priors so that
 * few points cannot drive them to extremes.
 */
import type { GpHyperparameters } from './gp-posterior.ts';
import { cholesky, cholInverse, cholLogDet, cholSolve } from './linalg.ts';
import { minimize } from './lbfgs.ts';
import { inverseSquaredLengths, kernelMatrix, matern52, matern52Slope, scaledSquaredDistance } from './matern.ts';
import { randomNormal, type Rng } from '../../model/random.ts';

// Bounds and priors are for inputs in [0, 1] and standardised targets.
const LOG_LENGTH = { min: Math.log(0.01), max: Math.log(20), mean: Math.log(0.5), sd: 1.5 };
const LOG_SIGNAL = { min: Math.log(0.01), max: Math.log(1e4), mean: 0, sd: 2 };
const LOG_NOISE = { min: Math.log(1e-8), max: Math.log(1), mean: Math.log(1e-3), sd: 4 };

export interface FitOptions {
  /** Where to start (the last fit, usually); a default guess otherwise. */
  initial?: GpHyperparameters;
  /** Extra starts drawn around the prior, for a first fit that may have several optima. */
  restarts?: number;
  /** L-BFGS iterations per start. */
  iterations?: number;
  rng?: Rng;
}

/**
 * The hyperparameters that maximise the log marginal likelihood plus log prior
 * of targets `y` (standardised) at `points` (in [0, 1]^d).
 *
 * @example
 * const hyper = fitHyperparameters(points, y, { restarts: 2, rng: mulberry32(1) });
 * const gp = GpPosterior.condition(points, y, hyper);
 */
export function fitHyperparameters(
  points: readonly Float64Array[],
  y: Float64Array,
  { initial, restarts = 0, iterations = 30, rng }: FitOptions = {},
): GpHyperparameters {
  const dims = points[0]?.length ?? 0;
  const lower = new Float64Array(dims + 2).fill(LOG_LENGTH.min);
  const upper = new Float64Array(dims + 2).fill(LOG_LENGTH.max);
  lower[dims] = LOG_SIGNAL.min;
  upper[dims] = LOG_SIGNAL.max;
  lower[dims + 1] = LOG_NOISE.min;
  upper[dims + 1] = LOG_NOISE.max;
  const starts = [initial ? toTheta(initial) : defaultTheta(dims)];
  for (let r = 0; r < restarts && rng; r++) {
    const theta = defaultTheta(dims);
    for (let d = 0; d < dims; d++) theta[d] = LOG_LENGTH.mean + LOG_LENGTH.sd * 0.7 * randomNormal(rng);
    theta[dims] = LOG_SIGNAL.mean + 0.5 * randomNormal(rng);
    starts.push(theta);
  }
  const objective = (theta: Float64Array, grad: Float64Array) => negativeLogPosterior(points, y, theta, grad);
  let best: { x: Float64Array; value: number } | undefined;
  for (const start of starts) {
    const result = minimize(objective, start, { lower, upper, maxIterations: iterations, initialStep: 0.5 });
    if (!best || result.value < best.value) best = result;
  }
  return fromTheta(best!.x);
}

function defaultTheta(dims: number): Float64Array {
  const theta = new Float64Array(dims + 2).fill(LOG_LENGTH.mean);
  theta[dims] = LOG_SIGNAL.mean;
  theta[dims + 1] = Math.log(1e-2);
  return theta;
}

function toTheta(h: GpHyperparameters): Float64Array {
  const dims = h.lengthScales.length;
  const theta = new Float64Array(dims + 2);
  for (let d = 0; d < dims; d++) theta[d] = Math.log(h.lengthScales[d]!);
  theta[dims] = Math.log(h.signal);
  theta[dims + 1] = Math.log(h.noise);
  return theta;
}

function fromTheta(theta: Float64Array): GpHyperparameters {
  const dims = theta.length - 2;
  return {
    lengthScales: theta.slice(0, dims).map(Math.exp),
    signal: Math.exp(theta[dims]!),
    noise: Math.exp(theta[dims + 1]!),
  };
}

/** −(log marginal likelihood + log prior) at θ = (log ℓ, log σ², log noise), with its gradient. */
export function negativeLogPosterior(points: readonly Float64Array[], y: Float64Array, theta: Float64Array, grad: Float64Array): number {
  const n = points.length;
  const dims = theta.length - 2;
  const hyper = fromTheta(theta);
  const k = kernelMatrix(points, hyper);
  for (let i = 0; i < n; i++) k[i * n + i]! += hyper.noise;
  const { factor } = cholesky(k, n);
  const alpha = cholSolve(factor, n, y);
  let value = 0.5 * dot(y, alpha) + 0.5 * cholLogDet(factor, n) + 0.5 * n * Math.log(2 * Math.PI);

  // d(−LML)/dθ = −½ tr((ααᵀ − K⁻¹) dK/dθ); W = K⁻¹ − ααᵀ below, so the gradient is ½ tr(W dK/dθ).
  const w = cholInverse(factor, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i * n + j]! -= alpha[i]! * alpha[j]!;
  grad.fill(0);
  const inv = inverseSquaredLengths(hyper.lengthScales);
  for (let i = 0; i < n; i++) {
    const a = points[i]!;
    for (let j = 0; j < i; j++) {
      const b = points[j]!;
      const r = Math.sqrt(scaledSquaredDistance(a, b, inv));
      const wij = w[i * n + j]!; // counted twice (i,j and j,i) by the factor 2 × ½ = 1
      const slope = hyper.signal * matern52Slope(r) * wij;
      for (let d = 0; d < dims; d++) {
        const diff = a[d]! - b[d]!;
        grad[d]! += slope * diff * diff * inv[d]!;
      }
      grad[dims]! += wij * hyper.signal * matern52(r);
    }
    grad[dims]! += 0.5 * w[i * n + i]! * hyper.signal;
    grad[dims + 1]! += 0.5 * w[i * n + i]! * hyper.noise;
  }
  value += gaussianPrior(theta, grad, dims);
  return value;
}

function gaussianPrior(theta: Float64Array, grad: Float64Array, dims: number): number {
  let value = 0;
  const add = (index: number, prior: { mean: number; sd: number }) => {
    const z = (theta[index]! - prior.mean) / prior.sd;
    value += 0.5 * z * z;
    grad[index]! += z / prior.sd;
  };
  for (let d = 0; d < dims; d++) add(d, LOG_LENGTH);
  add(dims, LOG_SIGNAL);
  add(dims + 1, LOG_NOISE);
  return value;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
