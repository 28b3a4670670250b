/**
 * Gaussian-process Bayesian optimisation: the glue between a session's trials
 * and the maths in ../math. The first trials are a Latin hypercube. Knobs
 * become a vector in [0, 1]^D (log knobs on the log scale, integers continuous
 * until proposed, categoricals one-hot); the GP models standardised scores;
 * the proposal maximises expected improvement over many random candidates,
 * refined by L-BFGS. Pending trials are handled by the kriging believer: each
 * is added as if it had scored the posterior mean there, which keeps the mean
 * and shrinks the variance around it, so parallel proposals spread out.
 */
import { expectedImprovement } from '../math/ei.ts';
import { fitHyperparameters } from '../math/gp-fit.ts';
import { GpPosterior, type GpHyperparameters } from '../math/gp-posterior.ts';
import { minimize } from '../math/lbfgs.ts';
import { permutation, type Rng } from '../../model/random.ts';
import type { SearchSpace } from '../space.ts';
import { OneHotEncoder } from './one-hot-encoder.ts';
import type { Observation, Strategy } from './strategy.ts';

export interface GpOptions {
  /** Initial trials (a Latin hypercube) before the first model. */
  initialTrials?: number;
  /**
   * Random candidates scored by expected improvement per proposal, up to 200
   * trials; beyond, fewer (each costs O(n²)), never under a fifth as many.
   */
  candidates?: number;
  /** The best candidates refined by L-BFGS. */
  refineStarts?: number;
  /** Hyperparameters are fit on at most this many trials (the best half and a spread of the rest): this bounds a proposal's time. */
  maxFitPoints?: number;
  /**
   * The model is conditioned on at most this many trials, chosen alike: its
   * cost grows with their cube in time and square in memory, so that a
   * session of 20,000 trials (a long job's, or a history sent to warm-start
   * one) would take hours and gigabytes per proposal.
   */
  maxPoints?: number;
  /** L-BFGS iterations of a warm-started refit. */
  fitIterations?: number;
  /**
   * Exploration margin of expected improvement, in standard deviations of the
   * scores. 0 by default: on a heavy-tailed objective a margin in standardised
   * units is large (0.01 sd is 0.5 on Branin) and stalls the final refinement.
   */
  xi?: number;
}

/**
 * @example
 * const gp = gpStrategy(new SearchSpace(config));
 * gp.propose({ observations, pending: [], rng: mulberry32(1) });
 */
export function gpStrategy(
  space: SearchSpace,
  { initialTrials = 10, candidates = 1000, refineStarts = 5, maxFitPoints = 100, maxPoints = 500, fitIterations = 20, xi = 0 }: GpOptions = {},
): Strategy {
  const encoder = new OneHotEncoder(space);
  let hyper: GpHyperparameters | undefined;
  let fits = 0;
  let design: number[][] | undefined;

  return {
    name: 'gp',
    propose({ observations, pending, rng }) {
      const scored = observations.filter((o) => o.score !== null);
      if (scored.length < initialTrials || encoder.dims === 0) {
        // The initial trials are a Latin hypercube; a trial beyond it (one replacing a failed trial) is random.
        const next = observations.length + pending.length;
        if (next >= initialTrials || encoder.dims === 0) return space.toKnobs(space.samplePoint(rng));
        design ??= latinHypercube(space, initialTrials, rng);
        return space.toKnobs(design[next]!);
      }

      const all = standardise(observations);
      const kept = fitSubset(all, maxPoints);
      const points = kept.map((i) => encoder.encode(observations[i]!.knobs));
      const y = Float64Array.from(kept, (i) => all[i]!);
      const subset = fitSubset(y, maxFitPoints);
      // Occasional restarts escape a poor local optimum that warm starts would keep.
      const restart = hyper === undefined || fits % 10 === 0;
      hyper = fitHyperparameters(subset.map((i) => points[i]!), Float64Array.from(subset, (i) => y[i]!), {
        initial: hyper,
        restarts: restart ? 2 : 0,
        iterations: restart ? 50 : fitIterations,
        rng,
      });
      fits++;

      let gp = GpPosterior.condition(points, y, hyper);
      if (pending.length > 0) {
        const pendingPoints = pending.map((k) => encoder.encode(k));
        const believed = pendingPoints.map((p) => gp.predict(p).mean);
        gp = GpPosterior.condition([...points, ...pendingPoints], Float64Array.from([...y, ...believed]), hyper);
      }
      let best = -Infinity;
      for (const v of y) best = Math.max(best, v);
      const scaled = Math.max(Math.round(candidates / 5), Math.round(candidates * Math.min(1, (200 / points.length) ** 2)));
      const acquire: Acquisition = (mean, variance) => expectedImprovement(mean, variance, best, xi);
      const x = maximiseAcquisition(gp, encoder, points, y, { acquire, candidates: scaled, refineStarts, rng });
      return encoder.decode(x);
    },
  };
}

/**
 * A Latin hypercube of n points: each numeric knob's range cut into n equal
 * strata with one point in each, each categorical knob's values used equally
 * often. Random initial trials can leave a coordinate's range half empty, and
 * the first model then commits to whichever basin those few points happen to
 * touch; an even spread of every coordinate is the standard remedy. (On
 * Hartmann6 the basin the GP ends in is set by its initial trials: no change
 * of acquisition, prior or output transform tried moved any seed out of it.)
 */
function latinHypercube(space: SearchSpace, n: number, rng: Rng): number[][] {
  const columns = space.params.map((p) => {
    const order = permutation(n, rng);
    return Array.from(order, (k) => (p.kind === 'numeric' ? (k + rng()) / n : k % p.values.length));
  });
  return Array.from({ length: n }, (_, i) => columns.map((c) => c[i]!));
}

/** Scores standardised to mean 0 and sd 1; a failed trial counts as the worst score seen. */
function standardise(observations: readonly Observation[]): Float64Array {
  const valid = observations.flatMap((o) => (o.score === null ? [] : [o.score]));
  const worst = Math.min(...valid);
  const raw = observations.map((o) => o.score ?? worst);
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  const sd = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / raw.length) || 1;
  return Float64Array.from(raw, (v) => (v - mean) / sd);
}

/** The indices of all trials, or of the best `max / 2` and an even spread of the rest. */
function fitSubset(y: Float64Array, max: number): number[] {
  const all = [...y.keys()];
  if (all.length <= max) return all;
  const ranked = [...all].sort((a, b) => y[b]! - y[a]!);
  const top = ranked.slice(0, Math.ceil(max / 2));
  const rest = ranked.slice(top.length).sort((a, b) => a - b);
  const stride = rest.length / (max - top.length);
  const spread = Array.from({ length: max - top.length }, (_, i) => rest[Math.floor(i * stride)]!);
  return [...top, ...spread];
}

type Acquisition = (mean: number, variance: number) => { value: number; dMean: number; dSd: number };
interface AcquisitionOptions { acquire: Acquisition; candidates: number; refineStarts: number; rng: Rng }

function maximiseAcquisition(
  gp: GpPosterior,
  encoder: OneHotEncoder,
  points: readonly Float64Array[],
  y: Float64Array,
  { acquire, candidates, refineStarts, rng }: AcquisitionOptions,
): Float64Array {
  const pool: Float64Array[] = [];
  for (let c = 0; c < candidates; c++) pool.push(encoder.randomVector(rng));
  // Candidates near the best trials, where the optimum most likely is.
  const ranked = [...y.keys()].sort((a, b) => y[b]! - y[a]!).slice(0, 5);
  for (const i of ranked) {
    for (let c = 0; c < candidates / 25; c++) pool.push(encoder.perturb(points[i]!, 0.05, rng));
  }
  const scored = pool.map((x) => {
    const { mean, variance } = gp.predict(x);
    return { x, ei: acquire(mean, variance).value };
  });
  scored.sort((a, b) => b.ei - a.ei);

  let winner = scored[0]!;
  for (const start of scored.slice(0, refineStarts)) {
    const refined = refine(gp, encoder, start.x, start.ei, acquire);
    if (refined.ei > winner.ei) winner = refined;
  }
  return winner.x;
}

/** L-BFGS on the numeric coordinates; the one-hot coordinates stay as they are. */
function refine(gp: GpPosterior, encoder: OneHotEncoder, start: Float64Array, startEi: number, acquire: Acquisition) {
  const numeric = encoder.numericDims;
  if (numeric.length === 0) return { x: start, ei: startEi };
  const scale = Math.max(Math.abs(startEi), 1e-300);
  const x = Float64Array.from(start);
  const dMean = new Float64Array(x.length);
  const dVariance = new Float64Array(x.length);
  const objective = (z: Float64Array, grad: Float64Array) => {
    numeric.forEach((d, i) => (x[d] = z[i]!));
    const { mean, variance } = gp.predictWithGradient(x, dMean, dVariance);
    const ei = acquire(mean, variance);
    const sd = Math.sqrt(variance);
    numeric.forEach((d, i) => {
      grad[i] = -(ei.dMean * dMean[d]! + (ei.dSd * dVariance[d]!) / (2 * sd)) / scale;
    });
    return -ei.value / scale;
  };
  const z0 = Float64Array.from(numeric, (d) => start[d]!);
  const { x: z, value } = minimize(objective, z0, {
    lower: new Float64Array(numeric.length),
    upper: new Float64Array(numeric.length).fill(1),
    maxIterations: 30,
    initialStep: 0.02,
  });
  const out = Float64Array.from(start);
  numeric.forEach((d, i) => (out[d] = z[i]!));
  return { x: out, ei: -value * scale };
}
