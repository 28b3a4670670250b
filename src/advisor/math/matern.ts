/**
 * The Matérn 5/2 kernel with one length scale per dimension (ARD):
 * k(a, b) = σ² (1 + √5 r + 5r²/3) exp(−√5 r), r² = Σ_d (a_d − b_d)² / ℓ_d².
 * Twice differentiable, so it models functions smoother than Brownian motion but
 * rougher than the squared exponential assumes.
 */

const SQRT5 = Math.sqrt(5);

export interface KernelParams {
  /** ℓ_d, one per input dimension. */
  lengthScales: Float64Array;
  /** σ², the prior variance of the function. */
  signal: number;
}

/** 1 / ℓ_d², what the inner loops need. */
export function inverseSquaredLengths(lengthScales: Float64Array): Float64Array {
  return lengthScales.map((l) => 1 / (l * l));
}

/** The scaled squared distance r² between two points. */
export function scaledSquaredDistance(a: ArrayLike<number>, b: ArrayLike<number>, invLengthSq: Float64Array): number {
  let sum = 0;
  for (let d = 0; d < invLengthSq.length; d++) {
    const diff = a[d]! - b[d]!;
    sum += diff * diff * invLengthSq[d]!;
  }
  return sum;
}

/** k as a function of r, divided by σ². */
export function matern52(r: number): number {
  return (1 + SQRT5 * r + (5 / 3) * r * r) * Math.exp(-SQRT5 * r);
}

/**
 * −(1/r) dk/dr divided by σ², that is (5/3)(1 + √5 r) exp(−√5 r): finite at r = 0,
 * so gradients stay finite on repeated points. dk/da_d = −σ² · this · (a_d − b_d)/ℓ_d².
 */
export function matern52Slope(r: number): number {
  return (5 / 3) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

/** The n×n matrix σ² k(x_i, x_j), row-major. */
export function kernelMatrix(points: readonly Float64Array[], params: KernelParams): Float64Array {
  const n = points.length;
  const inv = inverseSquaredLengths(params.lengthScales);
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    k[i * n + i] = params.signal;
    for (let j = 0; j < i; j++) {
      const value = params.signal * matern52(Math.sqrt(scaledSquaredDistance(points[i]!, points[j]!, inv)));
      k[i * n + j] = value;
      k[j * n + i] = value;
    }
  }
  return k;
}
