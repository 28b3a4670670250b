/**
 * Limited-memory BFGS with box bounds by projection: enough for the smooth,
 * low-dimensional problems of the Advisor (GP hyperparameters, expected
 * improvement), with a bounded number of iterations so a proposal's time is bounded.
 */

export interface Objective {
  /** The value at x, writing the gradient into `grad`. */
  (x: Float64Array, grad: Float64Array): number;
}

export interface MinimizeOptions {
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
  maxIterations?: number;
  /** Pairs of (step, gradient change) remembered. */
  memory?: number;
  /** Stop when the projected gradient's largest entry is below this. */
  gradientTolerance?: number;
  /** Length of the first step along the steepest descent (per unit of the largest gradient entry). */
  initialStep?: number;
}

/**
 * Minimises `f` from `x0` within [lower, upper].
 *
 * @example
 * const { x } = minimize((x, g) => { g[0] = 2 * (x[0]! - 3); return (x[0]! - 3) ** 2; }, new Float64Array([0]));
 * // x[0] ≈ 3
 */
export function minimize(
  f: Objective,
  x0: Float64Array,
  { lower, upper, maxIterations = 50, memory = 6, gradientTolerance = 1e-6, initialStep = 0.1 }: MinimizeOptions = {},
): { x: Float64Array; value: number; evaluations: number } {
  const n = x0.length;
  const project = (x: Float64Array) => {
    for (let i = 0; i < n; i++) {
      if (lower && x[i]! < lower[i]!) x[i] = lower[i]!;
      if (upper && x[i]! > upper[i]!) x[i] = upper[i]!;
    }
    return x;
  };
  let x = project(Float64Array.from(x0));
  let g = new Float64Array(n);
  let value = f(x, g);
  let evaluations = 1;
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const rhos: number[] = [];
  for (let iter = 0; iter < maxIterations && Number.isFinite(value); iter++) {
    if (projectedGradientNorm(x, g, lower, upper) < gradientTolerance) break;
    let direction = twoLoop(g, steps, changes, rhos);
    let slope = dot(direction, g);
    if (!(slope < 0)) {
      steps.length = changes.length = rhos.length = 0;
      direction = twoLoop(g, steps, changes, rhos);
      slope = dot(direction, g);
    }
    if (steps.length === 0) {
      const scale = initialStep / Math.max(maxAbs(g), 1e-300);
      for (let i = 0; i < n; i++) direction[i]! *= scale;
    }
    // Backtracking (Armijo) along the projected path.
    let t = 1;
    let accepted = false;
    const trial = new Float64Array(n);
    const trialGrad = new Float64Array(n);
    let trialValue = value;
    for (let back = 0; back < 20; back++) {
      for (let i = 0; i < n; i++) trial[i] = x[i]! + t * direction[i]!;
      project(trial);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += g[i]! * (trial[i]! - x[i]!);
      if (decrease >= 0) break;
      trialValue = f(trial, trialGrad);
      evaluations++;
      if (Number.isFinite(trialValue) && trialValue <= value + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) {
      if (steps.length === 0) break;
      steps.length = changes.length = rhos.length = 0;
      continue;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = trial[i]! - x[i]!;
      y[i] = trialGrad[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      steps.push(s);
      changes.push(y);
      rhos.push(1 / sy);
      if (steps.length > memory) {
        steps.shift();
        changes.shift();
        rhos.shift();
      }
    }
    const improvement = value - trialValue;
    x = trial;
    g = trialGrad;
    value = trialValue;
    if (improvement < 1e-12 * Math.max(1, Math.abs(value))) break;
  }
  return { x, value, evaluations };
}

function twoLoop(g: Float64Array, steps: Float64Array[], changes: Float64Array[], rhos: number[]): Float64Array {
  const q = Float64Array.from(g);
  const alphas = new Array<number>(steps.length);
  for (let k = steps.length - 1; k >= 0; k--) {
    const alpha = rhos[k]! * dot(steps[k]!, q);
    alphas[k] = alpha;
    const y = changes[k]!;
    for (let i = 0; i < q.length; i++) q[i]! -= alpha * y[i]!;
  }
  if (steps.length > 0) {
    const last = steps.length - 1;
    const gamma = dot(steps[last]!, changes[last]!) / dot(changes[last]!, changes[last]!);
    for (let i = 0; i < q.length; i++) q[i]! *= gamma;
  }
  for (let k = 0; k < steps.length; k++) {
    const beta = rhos[k]! * dot(changes[k]!, q);
    const s = steps[k]!;
    for (let i = 0; i < q.length; i++) q[i]! += (alphas[k]! - beta) * s[i]!;
  }
  for (let i = 0; i < q.length; i++) q[i] = -q[i]!;
  return q;
}

function projectedGradientNorm(x: Float64Array, g: Float64Array, lower?: ArrayLike<number>, upper?: ArrayLike<number>): number {
  let norm = 0;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i]!;
    // A gradient pushing against an active bound does not count.
    if (lower && x[i]! <= lower[i]! && gi > 0) continue;
    if (upper && x[i]! >= upper[i]! && gi < 0) continue;
    norm = Math.max(norm, Math.abs(gi));
  }
  return norm;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
