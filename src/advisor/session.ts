/**
 * One Advisor session: the trials of one sub-job, what a strategy proposes
 * next, and what an early stopper decides on reports. The mechanism only: which
 * strategy and which stopper is the caller's choice.
 */
import { badRequest, conflict, notFound } from '../common/errors.ts';
import { sampleKnobs, type Knobs } from '../model/knobs.ts';
import { mulberry32, type Rng } from '../model/random.ts';
import type { Feedback, FeedbackResult, HistoryItem, Proposal } from './schema.ts';
import { knobsKey, type SearchSpace } from './space.ts';
import type { Decision, EarlyStopper } from './stopping/index.ts';
import type { Observation, Strategy } from './strategies/index.ts';

interface Trial {
  knobs: Knobs;
  key: string;
  /** 'pending' until its final score arrives. */
  state: 'pending' | 'finished';
  reports: number;
  stopped: boolean;
}

export interface SessionOptions {
  space: SearchSpace;
  strategy: Strategy;
  stopper: EarlyStopper;
  seed: number;
  /** Finished trials to start from, knobs already checked against the space. */
  history?: readonly HistoryItem[];
  maxTrials?: number;
}

/** Tries to find knobs unlike the pending ones before giving up. */
const DISTINCT_ATTEMPTS = 100;

/**
 * Every method is synchronous and returns before another call can start, so
 * concurrent callers (parallel workers) each see a consistent session and two
 * pending trials never share knobs.
 *
 * @example
 * const session = new Session({ space, strategy: gpStrategy(space), stopper: ashaStopper(), seed: 1 });
 * const proposal = session.propose(); // { trial_no: 1, knobs: {...} } or null when done
 * session.feedback({ trial_no: 1, score: 0.9, final: true });
 */
export class Session {
  private readonly trials = new Map<number, Trial>();
  private readonly observations: Observation[] = [];
  private readonly seen = new Set<string>();
  private readonly rng: Rng;
  private nextTrialNo = 1;
  private warned = false;

  constructor(private readonly options: SessionOptions) {
    this.rng = mulberry32(options.seed);
    for (const item of options.history ?? []) {
      const trialNo = item.trial_no ?? this.nextTrialNo;
      if (this.trials.has(trialNo)) throw badRequest(`history: trial ${trialNo} appears twice`);
      const key = knobsKey(item.knobs);
      this.trials.set(trialNo, { knobs: item.knobs, key, state: 'finished', reports: 0, stopped: false });
      this.observations.push({ knobs: item.knobs, score: validScore(item.score) });
      this.seen.add(key);
      this.nextTrialNo = Math.max(this.nextTrialNo, trialNo + 1);
    }
  }

  /** The next trial's knobs, or null when done: the trial limit is reached or every configuration was proposed. */
  propose(): Proposal | null {
    const { maxTrials, space, stopper } = this.options;
    if (maxTrials !== undefined && this.trials.size >= maxTrials) return null;
    if (this.seen.size >= space.size) return null;
    const knobs = this.distinctKnobs();
    if (!knobs) return null;
    const trialNo = this.nextTrialNo++;
    const key = knobsKey(knobs);
    this.trials.set(trialNo, { knobs, key, state: 'pending', reports: 0, stopped: false });
    this.seen.add(key);
    return stopper.maxResource === undefined
      ? { trial_no: trialNo, knobs }
      : { trial_no: trialNo, knobs, budget: stopper.maxResource };
  }

  /**
   * An intermediate report (with `step`) answers whether to go on; a final score
   * (NaN or ±Infinity or null: a failed trial) goes to the strategy and answers
   * 'continue', there being nothing left to stop.
   */
  feedback({ trial_no: trialNo, score, step, final }: Feedback): FeedbackResult {
    const trial = this.trials.get(trialNo);
    if (!trial) throw notFound(`trial ${trialNo} was never proposed in this session`);
    if (trial.state === 'finished') throw conflict(`trial ${trialNo} already has its final score`);
    const valid = validScore(score);
    if (final ?? step === undefined) {
      trial.state = 'finished';
      this.observations.push({ knobs: trial.knobs, score: valid });
      return { decision: 'continue' };
    }
    trial.reports++;
    return { decision: this.decide(trialNo, trial, step ?? trial.reports, valid) };
  }

  private decide(trialNo: number, trial: Trial, step: number, score: number | null): Decision {
    // A diverged trial (NaN loss, say) is not worth its remaining resource.
    if (trial.stopped || score === null) {
      trial.stopped = true;
      return 'stop';
    }
    const decision = this.options.stopper.report(trialNo, step, score);
    trial.stopped = decision === 'stop';
    return decision;
  }

  /**
   * The strategy's proposal when no trial has had those knobs; else knobs drawn
   * at random that no trial has had; else any knobs that no pending trial has.
   */
  private distinctKnobs(): Knobs | null {
    const { space } = this.options;
    const pending = [...this.trials.values()].filter((t) => t.state === 'pending');
    const pendingKeys = new Set(pending.map((t) => t.key));
    const proposed = this.strategyKnobs(pending.map((t) => t.knobs));
    if (!this.seen.has(knobsKey(proposed))) return proposed;
    const draws: Knobs[] = [];
    for (let attempt = 0; attempt < DISTINCT_ATTEMPTS; attempt++) {
      const drawn = sampleKnobs(space.config, this.rng);
      if (!this.seen.has(knobsKey(drawn))) return drawn;
      draws.push(drawn);
    }
    return [proposed, ...draws].find((k) => !pendingKeys.has(knobsKey(k))) ?? null;
  }

  private strategyKnobs(pending: Knobs[]): Knobs {
    const { strategy, space } = this.options;
    try {
      return strategy.propose({ observations: this.observations, pending, rng: this.rng });
    } catch (error) {
      // A numerical failure must not stop a train job: fall back to a random proposal.
      if (!this.warned) console.warn(`advisor: strategy ${strategy.name} failed, proposing at random:`, error);
      this.warned = true;
      return sampleKnobs(space.config, this.rng);
    }
  }
}

function validScore(score: number | null): number | null {
  return typeof score === 'number' && Number.isFinite(score) ? score : null;
}
