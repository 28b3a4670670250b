/**
 * The Advisor's sessions by id: creation checks everything a caller sends, so a
 * session only ever holds valid knobs. Strategies and stoppers come from tables
 * the caller may replace; this file knows none of them by name.
 */
import { badRequest, notFound } from '../common/errors.ts';
import { KnobError, validateKnobConfig, validateKnobs } from '../model/knobs.ts';
import type { CreateSessionRequest, Feedback, FeedbackResult, Proposal } from './schema.ts';
import { Session } from './session.ts';
import { SearchSpace } from './space.ts';
import { createStopper } from './stopping/index.ts';
import { STRATEGIES, type StrategyFactory } from './strategies/index.ts';

export interface SessionStoreOptions {
  /** Strategies by the name sessions are created with. */
  strategies?: Record<string, StrategyFactory>;
  /** The strategy when a creation names none. */
  defaultStrategy?: string;
}

/**
 * @example
 * const sessions = new SessionStore();
 * const { id } = sessions.create({ knob_config: { lr: knobs.float(1e-4, 1e-1, { log: true }) }, seed: 7 });
 * const proposal = sessions.propose(id);
 * sessions.feedback(id, { trial_no: proposal!.trial_no, score: 0.93, final: true });
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly strategies: Record<string, StrategyFactory>;
  private readonly defaultStrategy: string;

  constructor({ strategies = STRATEGIES, defaultStrategy = 'auto' }: SessionStoreOptions = {}) {
    if (!(defaultStrategy in strategies)) throw new RangeError(`defaultStrategy must be one of the strategies but got ${defaultStrategy}`);
    this.strategies = strategies;
    this.defaultStrategy = defaultStrategy;
  }

  create(request: CreateSessionRequest): { id: string } {
    const config = asBadRequest('knob_config', () => validateKnobConfig(request.knob_config));
    const name = request.strategy ?? this.defaultStrategy;
    const factory = this.strategies[name];
    if (!factory) throw badRequest(`strategy must be one of ${Object.keys(this.strategies).join(', ')} but got ${name}`);
    const history = (request.history ?? []).map((item, i) => ({
      ...item,
      knobs: asBadRequest(`history[${i}]`, () => validateKnobs(config, item.knobs)),
    }));
    const space = new SearchSpace(config);
    const stopper = asBadRequest('stopping', () => createStopper(request.stopping));
    const seed = request.seed ?? Math.floor(Math.random() * 2 ** 32);
    const session = new Session({ space, strategy: factory(space), stopper, seed, history, maxTrials: request.max_trials });
    const id = crypto.randomUUID();
    this.sessions.set(id, session);
    return { id };
  }

  /** The next trial's knobs, or null when the session is done. */
  propose(id: string): Proposal | null {
    return this.get(id).propose();
  }

  feedback(id: string, feedback: Feedback): FeedbackResult {
    return this.get(id).feedback(feedback);
  }

  delete(id: string): void {
    if (!this.sessions.delete(id)) throw notFound(`advisor session ${id} does not exist`);
  }

  private get(id: string): Session {
    const session = this.sessions.get(id);
    if (!session) throw notFound(`advisor session ${id} does not exist`);
    return session;
  }
}

/** Runs `check`, turning a rule it reports into a 400 that names `field`. */
function asBadRequest<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof KnobError || error instanceof RangeError) throw badRequest(`${field}: ${error.message}`);
    throw error;
  }
}
