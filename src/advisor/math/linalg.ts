/**
 * Dense symmetric positive-definite algebra on row-major Float64Arrays: just what
 * a Gaussian process needs (a Cholesky factor, triangular solves, the inverse).
 */

/**
 * The lower Cholesky factor L of an n×n SPD matrix A (L Lᵀ = A + jitter·I). When A
 * is not numerically positive definite (repeated points, tiny noise), the jitter
 * starts at 1e-10 of the mean diagonal and grows tenfold until the factorisation
 * succeeds, so a factor always comes back.
 *
 * @example
 * const { factor } = cholesky(new Float64Array([4, 2, 2, 3]), 2); // [2, 0, 1, 1.414…]
 */
export function cholesky(a: Float64Array, n: number): { factor: Float64Array; jitter: number } {
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += a[i * n + i]!;
  meanDiag = Math.max(meanDiag / Math.max(n, 1), 1e-300);
  let jitter = 0;
  for (let attempt = 0; attempt < 12; attempt++) {
    const factor = tryCholesky(a, n, jitter);
    if (factor) return { factor, jitter };
    jitter = jitter === 0 ? meanDiag * 1e-10 : jitter * 10;
  }
  throw new Error(`matrix is not positive definite even with jitter ${jitter}`);
}

function tryCholesky(a: Float64Array, n: number, jitter: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let diag = a[rowJ + j]! + jitter;
    for (let k = 0; k < j; k++) diag -= l[rowJ + k]! * l[rowJ + k]!;
    if (!(diag > 0)) return null;
    const ljj = Math.sqrt(diag);
    l[rowJ + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let sum = a[rowI + j]!;
      for (let k = 0; k < j; k++) sum -= l[rowI + k]! * l[rowJ + k]!;
      l[rowI + j] = sum / ljj;
    }
  }
  return l;
}

/** Solves L x = b for lower-triangular L, into `out` (which may be b). */
export function solveLower(l: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[row + k]! * out[k]!;
    out[i] = sum / l[row + i]!;
  }
  return out;
}

/** Solves Lᵀ x = b for lower-triangular L, into `out` (which may be b). */
export function solveUpperT(l: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array = new Float64Array(n)): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let sum = b[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * out[k]!;
    out[i] = sum / l[i * n + i]!;
  }
  return out;
}

/** Solves (L Lᵀ) x = b. */
export function cholSolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  return solveUpperT(l, n, solveLower(l, n, b));
}

/** (L Lᵀ)⁻¹ as a full symmetric matrix, from the inverse of L. */
export function cholInverse(l: Float64Array, n: number): Float64Array {
  // Invert L in place column by column (lower triangular), then form L⁻ᵀ L⁻¹.
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    inv[j * n + j] = 1 / l[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= l[i * n + k]! * inv[k * n + j]!;
      inv[i * n + j] = sum / l[i * n + i]!;
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      // (L⁻ᵀL⁻¹)_ij = Σ_k inv[k,i]·inv[k,j], nonzero only for k ≥ max(i, j) = i.
      for (let k = i; k < n; k++) sum += inv[k * n + i]! * inv[k * n + j]!;
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
  return out;
}

/** log det(L Lᵀ) = 2 Σ log L_ii. */
export function cholLogDet(l: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.log(l[i * n + i]!);
  return 2 * sum;
}
