/**
 * What the Admin and a train worker say to each other. The worker holds no
 * credentials: it receives paths (as its sandbox shows them) and knobs, and
 * sends back logs, intermediate scores and the trained parameters. The worker
 * runs uploaded code, so everything it sends is checked against these schemas
 * (src/common/ipc/calls.ts), and it may log and report only for its trial.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { CallList, Handlers } from '../ipc/calls.ts';
import { KnobsSchema, TaskSchema, TrialIdSchema } from './values.ts';

export { HOST_CHANNEL, WORKER_CHANNEL } from './channels.ts';

const MAX_MESSAGE_CHARS = 10_000;
const MAX_METRICS = 100;
const MAX_NAME_CHARS = 200;
/** Parameters and ONNX of one trial; the store keeps them in one row. */
const MAX_ARTIFACT_BYTES = 512 * 1024 * 1024;

export const TrainWorkerSetupSchema = Type.Object({
  /** The template file, where `rafiki/model` and its dependencies resolve. */
  templatePath: Type.String(),
  className: Type.String(),
  task: TaskSchema,
  trainPath: Type.String(),
  valPath: Type.String(),
  /** `train_args` of the job: for tabular tasks, `target` and `features`. */
  trainArgs: Type.Object({ target: Type.Optional(Type.String()), features: Type.Optional(Type.Array(Type.String())) }),
});
export type TrainWorkerSetup = Static<typeof TrainWorkerSetupSchema>;

const Name = Type.String({ minLength: 1, maxLength: MAX_NAME_CHARS });
const Time = Type.String({ maxLength: 40 });
export const LogEntrySchema = Type.Union([
  Type.Object({ kind: Type.Literal('MESSAGE'), time: Time, message: Type.String({ maxLength: MAX_MESSAGE_CHARS }) }),
  Type.Object({ kind: Type.Literal('METRICS'), time: Time, metrics: Type.Record(Type.String({ maxLength: MAX_NAME_CHARS }), Type.Number(), { maxProperties: MAX_METRICS }) }),
  Type.Object({ kind: Type.Literal('PLOT'), time: Time, title: Name, metrics: Type.Array(Name, { maxItems: MAX_METRICS }), xAxis: Type.Union([Name, Type.Null()]) }),
]);
export type LogEntry = Static<typeof LogEntrySchema>;

const Artifact = Type.Uint8Array({ maxByteLength: MAX_ARTIFACT_BYTES });
export const TrialOutcomeSchema = Type.Union([
  /** TERMINATED: the Advisor stopped it early; it was still evaluated and saved. */
  Type.Object({ status: Type.Union([Type.Literal('COMPLETED'), Type.Literal('TERMINATED')]), score: Type.Number(), params: Artifact, onnx: Type.Union([Artifact, Type.Null()]) }),
  /** The template's error, and its stack where it has one. */
  Type.Object({ status: Type.Literal('ERRORED'), error: Type.String({ maxLength: MAX_MESSAGE_CHARS }), stack: Type.Optional(Type.String({ maxLength: MAX_MESSAGE_CHARS })) }),
]);
export type TrialOutcome = Static<typeof TrialOutcomeSchema>;

const EarlyStopDecisionSchema = Type.Union([Type.Literal('continue'), Type.Literal('stop')]);

export const TRAIN_WORKER_CALLS = {
  /** Loads the template and both datasets once, before the first trial. */
  setup: { args: Type.Tuple([TrainWorkerSetupSchema]), result: Type.Undefined() },
  runTrial: { args: Type.Tuple([Type.Object({ trialId: TrialIdSchema, knobs: KnobsSchema })]), result: TrialOutcomeSchema },
} satisfies CallList;

export const TRAIN_HOST_CALLS = {
  log: { args: Type.Tuple([TrialIdSchema, LogEntrySchema]), result: Type.Undefined() },
  /** An intermediate score (null when it is not a finite number); the answer is the Advisor's early-stopping decision. */
  report: { args: Type.Tuple([TrialIdSchema, Type.Integer({ minimum: 0, maximum: 1e9 }), Type.Union([Type.Number(), Type.Null()])]), result: EarlyStopDecisionSchema },
} satisfies CallList;

export type TrainWorkerApi = Handlers<typeof TRAIN_WORKER_CALLS>;
export type TrainHostApi = Handlers<typeof TRAIN_HOST_CALLS>;
