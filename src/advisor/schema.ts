/**
 * The Advisor's wire format (docs/design.md §5), as route schemas: the single source
 * of the request and response types that the session machinery and the clients use.
 */
import { t } from 'elysia';
import { integer } from '../common/integer-schema.ts';

const KnobValue = t.Union([t.Number(), t.String(), t.Boolean()], { expected: 'a number, string or boolean' });
const KnobValues = t.Record(t.String(), KnobValue);

/** NaN or ±Infinity arrive as null (JSON has no such numbers): a failed trial. */
const Score = t.Union([t.Number(), t.Null()], { expected: 'a number (or null for a failed trial)' });

export const StoppingSchema = t.Union([
  t.Object({
    type: t.Literal('asha'),
    reduction_factor: t.Optional(t.Number({ exclusiveMinimum: 1 })),
    min_resource: t.Optional(t.Number({ exclusiveMinimum: 0 })),
    max_resource: t.Optional(t.Number({ exclusiveMinimum: 0 })),
  }),
  t.Object({
    type: t.Literal('median'),
    startup_trials: t.Optional(integer({ minimum: 1 })),
    warmup_steps: t.Optional(t.Number({ minimum: 0 })),
  }),
  t.Object({ type: t.Literal('none') }),
], { expected: 'an object with type "asha", "median" or "none"' });

export const HistoryItemSchema = t.Object({
  knobs: KnobValues,
  score: Score,
  trial_no: t.Optional(integer({ minimum: 1 })),
});

export const CreateSessionSchema = t.Object({
  /** Checked by `validateKnobConfig`, whose messages name the knob. */
  knob_config: t.Record(t.String(), t.Unknown(), { expected: 'an object mapping knob names to knobs' }),
  strategy: t.Optional(t.Union([t.Literal('auto'), t.Literal('random'), t.Literal('gp'), t.Literal('tpe')])),
  seed: t.Optional(integer()),
  /** Past trials of the same knob config, to warm-start a session (after a restart, say). */
  history: t.Optional(t.Array(HistoryItemSchema)),
  stopping: t.Optional(StoppingSchema),
  /** Trials in all, history included, after which propose answers "done". */
  max_trials: t.Optional(integer({ minimum: 1 })),
});

export const SessionCreatedSchema = t.Object({ id: t.String() });

export const ProposalSchema = t.Object({
  trial_no: integer(),
  knobs: KnobValues,
  /** Steps a trial may use in all, when the early stopper knows it. */
  budget: t.Optional(t.Number()),
});

export const FeedbackSchema = t.Object({
  trial_no: integer({ minimum: 1 }),
  score: Score,
  step: t.Optional(t.Number({ minimum: 0 })),
  /** Defaults to true without a step (a final score) and false with one (an intermediate report). */
  final: t.Optional(t.Boolean()),
});

export const DecisionSchema = t.Object({ decision: t.Union([t.Literal('continue'), t.Literal('stop')]) });

export type CreateSessionRequest = typeof CreateSessionSchema.static;
export type HistoryItem = typeof HistoryItemSchema.static;
export type StoppingConfig = typeof StoppingSchema.static;
export type Proposal = typeof ProposalSchema.static;
export type Feedback = typeof FeedbackSchema.static;
export type FeedbackResult = typeof DecisionSchema.static;
