/**
 * The posterior of Gaussian-process regression (Matérn 5/2 ARD kernel, Gaussian
 * noise): mean and variance of the latent function at a point, with gradients.
 */
import { cholesky, cholSolve, solveLower, solveUpperT } from './linalg.ts';
import { inverseSquaredLengths, kernelMatrix, matern52, matern52Slope, scaledSquaredDistance } from './matern.ts';

export interface GpHyperparameters {
  lengthScales: Float64Array;
  /** Prior variance of the function. */
  signal: number;
  /** Variance of the observation noise. */
  noise: number;
}

/** The posterior of a GP given observations: mean and variance of the latent function. */
export class GpPosterior {
  private readonly inv: Float64Array;
  private readonly n: number;
  private readonly v: Float64Array;
  private readonly w: Float64Array;

  private constructor(
    private readonly points: readonly Float64Array[],
    private readonly factor: Float64Array,
    private readonly alpha: Float64Array,
    readonly hyper: GpHyperparameters,
  ) {
    this.n = points.length;
    this.inv = inverseSquaredLengths(hyper.lengthScales);
    this.v = new Float64Array(this.n);
    this.w = new Float64Array(this.n);
  }

  /**
   * The posterior given targets `y` at `points`; factorises once, O(n³).
   *
   * @example
   * const gp = GpPosterior.condition(points, y, hyper);
   * const { mean, variance } = gp.predict(new Float64Array([0.5, 0.5]));
   */
  static condition(points: readonly Float64Array[], y: Float64Array, hyper: GpHyperparameters): GpPosterior {
    const n = points.length;
    const k = kernelMatrix(points, hyper);
    for (let i = 0; i < n; i++) k[i * n + i]! += hyper.noise;
    const { factor } = cholesky(k, n);
    return new GpPosterior(points, factor, cholSolve(factor, n, y), hyper);
  }

  /** Mean and variance of f(x); O(n²). */
  predict(x: ArrayLike<number>): { mean: number; variance: number } {
    const kx = this.v;
    let mean = 0;
    for (let i = 0; i < this.n; i++) {
      kx[i] = this.hyper.signal * matern52(Math.sqrt(scaledSquaredDistance(x, this.points[i]!, this.inv)));
      mean += kx[i]! * this.alpha[i]!;
    }
    solveLower(this.factor, this.n, kx, kx);
    return { mean, variance: this.variance(kx) };
  }

  /** Mean and variance of f(x), writing their gradients with respect to x into `dMean` and `dVariance`. */
  predictWithGradient(x: ArrayLike<number>, dMean: Float64Array, dVariance: Float64Array): { mean: number; variance: number } {
    const n = this.n;
    const dims = this.inv.length;
    const kx = new Float64Array(n);
    const slopes = new Float64Array(n);
    let mean = 0;
    for (let i = 0; i < n; i++) {
      const r = Math.sqrt(scaledSquaredDistance(x, this.points[i]!, this.inv));
      kx[i] = this.hyper.signal * matern52(r);
      slopes[i] = -this.hyper.signal * matern52Slope(r);
      mean += kx[i]! * this.alpha[i]!;
    }
    const v = solveLower(this.factor, n, kx, this.v);
    const variance = this.variance(v);
    const w = solveUpperT(this.factor, n, v, this.w); // K⁻¹ k(x)
    dMean.fill(0);
    dVariance.fill(0);
    for (let i = 0; i < n; i++) {
      const p = this.points[i]!;
      const a = slopes[i]! * this.alpha[i]!;
      const b = -2 * slopes[i]! * w[i]!;
      for (let d = 0; d < dims; d++) {
        const dk = (x[d]! - p[d]!) * this.inv[d]!;
        dMean[d]! += a * dk;
        dVariance[d]! += b * dk;
      }
    }
    return { mean, variance };
  }

  private variance(v: Float64Array): number {
    return Math.max(this.hyper.signal - dot(v, v), 1e-12 * this.hyper.signal);
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
