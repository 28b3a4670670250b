/**
 * Closed-form ridge regression: minimises Σ(y − x·w − b)² + α‖w‖² (the
 * intercept is not penalised) by a Cholesky solve of (XcᵀXc + αI) w = Xcᵀyc on
 * centred data, in double precision.
 */
export function solveRidge(x: Float32Array, y: Float32Array, opts: { alpha: number }): { weights: Float32Array; bias: number } {
  const rows = y.length;
  if (rows === 0) throw new Error('ridge regression needs at least one row');
  if (x.length % rows !== 0) throw new Error(`x has ${x.length} values, not a multiple of ${rows} rows`);
  if (!(opts.alpha >= 0)) throw new Error(`alpha must be non-negative, got ${opts.alpha}`);
  const cols = x.length / rows;
  const xMean = new Float64Array(cols);
  let yMean = 0;
  for (let r = 0; r < rows; r++) {
    yMean += y[r]!;
    for (let c = 0; c < cols; c++) xMean[c]! += x[r * cols + c]!;
  }
  yMean /= rows;
  for (let c = 0; c < cols; c++) xMean[c]! /= rows;

  const a = new Float64Array(cols * cols);
  const b = new Float64Array(cols);
  const xc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) xc[c] = x[r * cols + c]! - xMean[c]!;
    const yc = y[r]! - yMean;
    for (let i = 0; i < cols; i++) {
      b[i]! += xc[i]! * yc;
      for (let j = 0; j <= i; j++) a[i * cols + j]! += xc[i]! * xc[j]!;
    }
  }
  // A tiny floor keeps the system positive definite when α = 0 and a column is constant.
  for (let i = 0; i < cols; i++) a[i * cols + i]! += Math.max(opts.alpha, 1e-9 * rows);
  const w = choleskySolve(a, b, cols);
  let bias = yMean;
  for (let c = 0; c < cols; c++) bias -= w[c]! * xMean[c]!;
  return { weights: Float32Array.from(w), bias };
}

/** Solves A·w = b for symmetric positive definite A (lower triangle used, overwritten). */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= a[j * n + k]! ** 2;
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = s / ljj;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[i * n + k]! * z[k]!;
    z[i] = s / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * z[k]!;
    z[i] = s / a[i * n + i]!;
  }
  return z;
}
