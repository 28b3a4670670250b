/**
 * The query frontend's HTTP wire as JSON Schema: Rafiki's `/predict` and the
 * KServe v2 bodies, for the API references of the frontend and of the Admin
 * (which relays one query and the model's metadata). The v2 infer request is
 * the very schema the frontend checks requests with (v2-request.ts).
 */
import { Type } from '@sinclair/typebox';
import { MAX_DEADLINE_MS } from './routes/body.ts';
import { V2_INFER_REQUEST_SCHEMA } from './routes/v2-request.ts';

const DeadlineMs = Type.Number({ minimum: 1, maximum: MAX_DEADLINE_MS, description: 'How long the caller waits, in ms; the job\'s default otherwise' });
const Query = Type.Unknown({ description: 'A row of features (array or object by column) or an image (H×W or H×W×C pixels)' });
const Prediction = Type.Unknown({ description: 'Class probabilities in the order of the model\'s classes, or a number (regression)' });

export const PredictRequestSchema = Type.Union([
  Type.Object({ query: Query, deadline_ms: Type.Optional(DeadlineMs) }),
  Type.Object({ queries: Type.Array(Query), deadline_ms: Type.Optional(DeadlineMs) }),
]);

const Partial = Type.Optional(Type.Literal(true, { description: 'Some trial missed the deadline; the answer is of the others' }));
const Label = Type.Optional(Type.String({ description: 'Classification only: the most probable class (the first of them on a tie)' }));
const LabelProbability = Type.Optional(Type.Number({ description: 'Classification only: the probability of the label' }));
export const SinglePredictResponseSchema = Type.Object({ prediction: Prediction, label: Label, label_probability: LabelProbability, partial: Partial });
export const PredictResponseSchema = Type.Union([SinglePredictResponseSchema, Type.Object({
  predictions: Type.Array(Prediction),
  labels: Type.Optional(Type.Array(Type.String(), { description: 'Classification only: each query\'s most probable class' })),
  label_probabilities: Type.Optional(Type.Array(Type.Number(), { description: 'Classification only: the probability of each label' })),
  partial: Partial,
})]);

export const V2InferRequestSchema = V2_INFER_REQUEST_SCHEMA;

const Tensor = Type.Object({ name: Type.String(), datatype: Type.String(), shape: Type.Array(Type.Integer()), parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())) });

export const V2MetadataSchema = Type.Object({
  name: Type.String(),
  versions: Type.Array(Type.String()),
  platform: Type.String(),
  inputs: Type.Array(Tensor),
  outputs: Type.Array(Tensor),
});

export const V2InferResponseSchema = Type.Object({
  model_name: Type.String(),
  model_version: Type.String(),
  id: Type.Optional(Type.String()),
  parameters: Type.Optional(Type.Object({ partial: Type.Boolean() })),
  // A classifier's `labels` output is BYTES (strings); the others are FP32.
  outputs: Type.Array(Type.Object({ name: Type.String(), shape: Type.Array(Type.Integer()), datatype: Type.String(), data: Type.Union([Type.Array(Type.Number()), Type.Array(Type.String())]) })),
});

export const V2ReadySchema = Type.Object({ name: Type.String(), ready: Type.Boolean() });

/** KServe's own error shape, used on the v2 routes: `{"error": "message"}`. */
export const V2ErrorSchema = Type.Object({ error: Type.String() });
