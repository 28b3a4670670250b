/**
 * A multivariate Parzen estimator over mixed coordinates: a weighted mixture of
 * product kernels, one per observation plus a broad prior kernel. Numeric
 * coordinates live in [0, 1] with truncated-normal kernels; categorical ones
 * hold an index with a kernel that favours the observed category. This is the
 * density model of TPE (Bergstra et al. 2011; Optuna's multivariate variant).
 */
import { normalCdf } from './normal.ts';
import { randomNormal, type Rng } from '../../model/random.ts';

/** A coordinate: numeric in [0, 1], or categorical with `choices` values. */
export type Coordinate = { kind: 'numeric' } | { kind: 'categorical'; choices: number };

export interface ParzenOptions {
  /** Weight of the prior kernel (centred, sd 1 for numeric; uniform for categorical). */
  priorWeight?: number;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export class ParzenEstimator {
  private readonly logWeights: number[];
  private readonly weights: number[];
  private readonly centres: number[][];
  private readonly sigmas: number[][];
  /** Per kernel and categorical coordinate: the probability of each choice. */
  private readonly categorical: (number[] | null)[][];

  /**
   * @example
   * const l = new ParzenEstimator([[0.2, 1], [0.25, 0]], [1, 1], [{ kind: 'numeric' }, { kind: 'categorical', choices: 3 }]);
   * l.logPdf([0.22, 1]); l.sample(rng);
   */
  constructor(
    points: readonly number[][],
    weights: readonly number[],
    private readonly coordinates: readonly Coordinate[],
    { priorWeight = 1 }: ParzenOptions = {},
  ) {
    const n = points.length;
    const kernels = n + 1;
    const raw = [...weights, priorWeight];
    const total = raw.reduce((a, b) => a + b, 0);
    this.weights = raw.map((w) => w / total);
    this.logWeights = this.weights.map(Math.log);
    this.centres = [...points.map((p) => [...p]), coordinates.map((c) => (c.kind === 'numeric' ? 0.5 : 0))];
    this.sigmas = neighbourSigmas(this.centres, n, coordinates);
    const smoothing = priorWeight / kernels;
    this.categorical = this.centres.map((centre, k) =>
      coordinates.map((c, d) => {
        if (c.kind !== 'categorical') return null;
        const probs = new Array<number>(c.choices).fill(smoothing);
        if (k < n) probs[centre[d]!]! += 1;
        const sum = probs.reduce((a, b) => a + b, 0);
        return probs.map((p) => p / sum);
      }),
    );
  }

  /** A point drawn from the mixture. */
  sample(rng: Rng): number[] {
    let u = rng();
    let k = 0;
    while (k < this.weights.length - 1 && u >= this.weights[k]!) u -= this.weights[k++]!;
    return this.coordinates.map((c, d) => {
      const probs = this.categorical[k]![d];
      if (probs) return pickIndex(probs, rng);
      return sampleTruncatedNormal(this.centres[k]![d]!, this.sigmas[k]![d]!, rng);
    });
  }

  logPdf(point: readonly number[]): number {
    const terms = this.centres.map((centre, k) => {
      let log = this.logWeights[k]!;
      this.coordinates.forEach((_, d) => {
        const probs = this.categorical[k]![d];
        log += probs ? Math.log(probs[point[d]!]!) : logTruncatedNormal(point[d]!, centre[d]!, this.sigmas[k]![d]!);
      });
      return log;
    });
    const max = Math.max(...terms);
    return max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0));
  }
}

function logTruncatedNormal(x: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  const mass = normalCdf((1 - mu) / sigma) - normalCdf(-mu / sigma);
  return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma) - Math.log(Math.max(mass, 1e-300));
}

function sampleTruncatedNormal(mu: number, sigma: number, rng: Rng): number {
  // The centre lies in [0, 1], so at least half the mass is inside and rejection ends fast.
  for (let attempt = 0; attempt < 100; attempt++) {
    const x = mu + sigma * randomNormal(rng);
    if (x >= 0 && x <= 1) return x;
  }
  return Math.min(1, Math.max(0, mu));
}

function pickIndex(probs: readonly number[], rng: Rng): number {
  let u = rng();
  for (let i = 0; i < probs.length - 1; i++) {
    if (u < probs[i]!) return i;
    u -= probs[i]!;
  }
  return probs.length - 1;
}

/**
 * Each kernel's width in each numeric coordinate is the larger gap to its
 * neighbours there (hyperopt's rule): kernels narrow where good trials crowd, so
 * the search refines an optimum instead of sampling around it at a fixed width.
 * The floor 1/min(100, n + 1) keeps a kernel from collapsing (Optuna's "magic clip").
 * The prior kernel (the last) keeps width 1.
 */
function neighbourSigmas(centres: number[][], n: number, coordinates: readonly Coordinate[]): number[][] {
  const minSigma = 1 / Math.min(100, n + 1);
  const sigmas = centres.map(() => coordinates.map(() => 1));
  coordinates.forEach((c, d) => {
    if (c.kind !== 'numeric') return;
    const order = [...Array(n).keys()].sort((a, b) => centres[a]![d]! - centres[b]![d]!);
    order.forEach((k, i) => {
      const x = centres[k]![d]!;
      const left = i > 0 ? x - centres[order[i - 1]!]![d]! : x;
      const right = i < n - 1 ? centres[order[i + 1]!]![d]! - x : 1 - x;
      sigmas[k]![d] = Math.min(1, Math.max(minSigma, left, right));
    });
  });
  return sigmas;
}
