/**
 * What a query frontend and an inference worker say to each other. Batches for
 * ONNX trials are one FP32 tensor: written into a slot of the memory the two
 * share (src/common/ipc/shared-tensors.ts), or, without it, sent whole,
 * which the advanced serialization copies as binary. Template trials get their
 * raw queries. The worker runs uploaded code, so what it answers is checked
 * against these schemas before the frontend uses it.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Float32ArraySchema, type CallList, type Handlers } from '../ipc/calls.ts';
import { KnobsSchema, TaskSchema, TrialIdSchema } from './values.ts';

export { INFERENCE_CHANNEL } from './channels.ts';

const Dims = Type.Array(Type.Integer({ minimum: 0, maximum: 1 << 30 }), { minItems: 1, maxItems: 8 });
/** The longest error message a worker may answer. */
export const MAX_MESSAGE_CHARS = 10_000;

/** One trial as its worker loads it, with paths as the worker's sandbox shows them. */
export const WorkerTrialSchema = Type.Object({
  trialId: TrialIdSchema,
  /** The trial's ONNX file, when the template exported one: served by onnxruntime-node. */
  onnxPath: Type.Optional(Type.String()),
  /** Otherwise the template's own predict: its file, class and knobs, with the SDK-format parameters. */
  template: Type.Optional(Type.Object({ path: Type.String(), className: Type.String(), knobs: KnobsSchema })),
  paramsPath: Type.String(),
  /** [] for regression. */
  classes: Type.Array(Type.String()),
});
export type WorkerTrial = Static<typeof WorkerTrialSchema>;

export const LoadOptionsSchema = Type.Object({ task: TaskSchema, onnxThreads: Type.Integer({ minimum: 1 }) });
export type LoadOptions = Static<typeof LoadOptionsSchema>;

/** Where the shared memory is, as the worker sees it, and how it is cut into slots of FP32 values. */
export const SharedTensorsSpecSchema = Type.Object({ path: Type.String(), slots: Type.Integer({ minimum: 1 }), slotFloats: Type.Integer({ minimum: 1 }) });
export type SharedTensorsSpec = Static<typeof SharedTensorsSpecSchema>;

export const InferenceBatchSchema = Type.Union([
  Type.Object({ kind: Type.Literal('tensor'), data: Float32ArraySchema(), dims: Dims }),
  Type.Object({ kind: Type.Literal('shared'), slot: Type.Integer({ minimum: 0 }), dims: Dims }),
  Type.Object({ kind: Type.Literal('queries'), queries: Type.Array(Type.Unknown()) }),
]);
export type InferenceBatch = Static<typeof InferenceBatchSchema>;

/**
 * One answer per query, in order. `error` reports a batch the model refused:
 * status 400 when a query does not fit (the template threw an InputError), else 500.
 */
export const BatchOutputSchema = Type.Union([
  Type.Object({ kind: Type.Literal('tensor'), data: Float32ArraySchema(), dims: Dims }),
  Type.Object({ kind: Type.Literal('predictions'), predictions: Type.Array(Type.Union([Type.Number(), Type.Array(Type.Number())])) }),
  Type.Object({ kind: Type.Literal('error'), status: Type.Union([Type.Literal(400), Type.Literal(500)]), message: Type.String({ maxLength: MAX_MESSAGE_CHARS }) }),
]);
export type BatchOutput = Static<typeof BatchOutputSchema>;

export const INFERENCE_WORKER_CALLS = {
  /** Loads the trial. (Its ONNX input spec the frontend reads itself, before it starts the worker.) */
  load: { args: Type.Tuple([WorkerTrialSchema, LoadOptionsSchema]), result: Type.Undefined() },
  /** Maps the frontend's shared memory for this worker's `shared` batches. */
  attach: { args: Type.Tuple([SharedTensorsSpecSchema]), result: Type.Undefined() },
  predict: { args: Type.Tuple([InferenceBatchSchema]), result: BatchOutputSchema },
} satisfies CallList;

export type InferenceWorkerApi = Handlers<typeof INFERENCE_WORKER_CALLS>;
