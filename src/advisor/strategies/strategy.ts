/**
 * A search strategy: given what has been tried, what to try next. Strategies
 * know nothing of sessions, HTTP or early stopping; the session machinery calls
 * them (sessions.ts).
 */
import type { Knobs } from '../../model/knobs.ts';
import type { Rng } from '../../model/random.ts';
import type { SearchSpace } from '../space.ts';

/** A finished trial. `score` is maximised; null when the trial failed (or scored NaN or ±Infinity). */
export interface Observation {
  knobs: Knobs;
  score: number | null;
}

export interface ProposeInput {
  /** Finished trials, oldest first. */
  observations: readonly Observation[];
  /** Knobs proposed and not yet scored: a strategy should look elsewhere. */
  pending: readonly Knobs[];
  /** The session's seeded generator: the only source of randomness, so a seed fixes the proposals. */
  rng: Rng;
}

/**
 * Called once per proposal, synchronously, with the session's whole state. An
 * implementation must return knobs valid for its space, never mutate its input,
 * and use no randomness but `rng`. It may keep what it learnt in earlier calls
 * (the last fitted hyperparameters, as a warm start), so the same seed and the
 * same sequence of calls give the same proposals.
 */
export interface Strategy {
  readonly name: string;
  propose(input: ProposeInput): Knobs;
}

/** Builds a strategy for one session's space. */
export type StrategyFactory = (space: SearchSpace) => Strategy;
