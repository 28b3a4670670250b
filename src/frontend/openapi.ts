/**
 * The query frontend's OpenAPI document, served at `/openapi.json`: Rafiki's
 * `/predict`, the KServe v2 model and health endpoints, and `/metrics`, written
 * from the schemas of wire-schemas.ts (the v2 infer request is the schema the
 * frontend checks requests with). Its examples name the model this frontend
 * serves, so a reader can send them as they are.
 */
import { Type } from '@sinclair/typebox';
import type { ErrorCode } from '../common/errors.ts';
import {
  asJsonSchema2020, BEARER, errorResponses, OPENAPI_VERSION, plainSchema, sharedComponents,
  type OpenApiDocument, type OperationObject, type ResponseObject,
} from '../common/openapi.ts';
import type { V2Model } from './routes/kserve-v2.ts';
import {
  PredictRequestSchema, PredictResponseSchema, V2ErrorSchema, V2InferRequestSchema, V2InferResponseSchema, V2MetadataSchema, V2ReadySchema,
} from './wire-schemas.ts';

const json = (schema: unknown, example: unknown, description: string): ResponseObject => ({
  description, content: { 'application/json': { schema: plainSchema(schema), example } },
});

/** KServe's `{"error": "message"}` on the v2 routes, one response per status. */
function v2Errors(codes: ErrorCode[]): Record<string, ResponseObject> {
  return Object.fromEntries(Object.entries(errorResponses(codes)).map(([status, ref]) => [status, {
    description: `As ${ref.$ref.split('/').pop()} of the Rafiki routes, in KServe's shape`,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/V2Error' }, example: { error: 'there is no model "other" here; this frontend serves "iris"' } } },
  }]));
}

const QUERY_ERRORS: ErrorCode[] = ['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'PAYLOAD_TOO_LARGE', 'INTERNAL', 'UNAVAILABLE', 'TIMEOUT'];
const READ_ERRORS: ErrorCode[] = ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'INTERNAL'];

/** An example query of the model's own shape: a row of its columns, or a blank image. */
function exampleQuery(model: V2Model): unknown[] {
  const { input } = model;
  if (input?.kind === 'tabular') return input.columns.map(() => 0);
  if (input?.kind === 'image') {
    const pixel = () => (input.channels === 1 ? 0 : Array<number>(input.channels).fill(0));
    return Array.from({ length: input.height }, () => Array.from({ length: input.width }, pixel));
  }
  return model.task === 'IMAGE_CLASSIFICATION' ? [[0, 0], [0, 0]] : [5.1, 3.5, 1.4, 0.2];
}

/** The dimensions of a nested array: [[1, 2, 3]] → [1, 3]. */
const shapeOf = (value: unknown): number[] => (Array.isArray(value) ? [value.length, ...shapeOf(value[0])] : []);

function exampleAnswer(model: V2Model): number | number[] {
  return model.task === 'TABULAR_REGRESSION' ? 2.5 : model.classes.map((_, i) => (i === 0 ? 1 : 0));
}

/**
 * The document of the frontend serving `model`.
 *
 * @example
 * frontendDocument({ app: 'iris', appVersion: 1, task: 'TABULAR_CLASSIFICATION', input: null, classes: ['a', 'b'], defaultDeadlineMs: 1000 }).paths['/predict'];
 */
export function frontendDocument(model: V2Model): OpenApiDocument {
  const query = exampleQuery(model);
  const answer = exampleAnswer(model);
  const tensor = { name: 'input', shape: [1, ...shapeOf(query)], datatype: 'FP32', data: query.flat(Infinity as 1) };
  const output = model.task === 'TABULAR_REGRESSION'
    ? { name: 'predictions', shape: [1], datatype: 'FP32', data: [answer as number] }
    : { name: 'probabilities', shape: [1, model.classes.length], datatype: 'FP32', data: answer as number[] };
  const name = { name: 'name', in: 'path' as const, required: true, schema: { type: 'string', example: model.app }, description: "The model's name: the inference job's app" };
  const version = { name: 'version', in: 'path' as const, required: true, schema: { type: 'string', example: String(model.appVersion) }, description: 'The app version this frontend serves' };
  const protectedOp = { security: BEARER };

  const predict: OperationObject = {
    ...protectedOp,
    operationId: 'predict',
    tags: ['rafiki'],
    summary: 'Predict: one query, or many in one request',
    description: 'Probabilities follow the order of the model\'s classes (GET /v2/models/{name} lists them). `"partial": true` is added when a trial missed the deadline.',
    requestBody: { required: true, content: { 'application/json': { schema: plainSchema(PredictRequestSchema), example: { query } } } },
    responses: { '200': json(PredictResponseSchema, { prediction: answer }, 'The prediction, or the predictions in the order of the queries'), ...errorResponses(QUERY_ERRORS) },
  };
  // The versioned paths repeat the plain ones with `version`: their ids end in Version.
  const idOf = (base: string, parameters: OperationObject['parameters']) => (parameters!.length > 1 ? `${base}Version` : base);
  const infer = (parameters: OperationObject['parameters']): OperationObject => ({
    ...protectedOp,
    operationId: idOf('modelInfer', parameters),
    tags: ['kserve v2'],
    summary: 'Infer (Open Inference Protocol): one input tensor, one row or image per query',
    parameters,
    requestBody: { required: true, content: { 'application/json': { schema: plainSchema(V2InferRequestSchema), example: { inputs: [tensor] } } } },
    responses: {
      '200': json(V2InferResponseSchema, { model_name: model.app, model_version: String(model.appVersion), outputs: [output] }, 'The output tensor'),
      ...v2Errors([...QUERY_ERRORS, 'NOT_FOUND']),
    },
  });
  const metadata = (parameters: OperationObject['parameters']): OperationObject => ({
    ...protectedOp,
    operationId: idOf('modelMetadata', parameters),
    tags: ['kserve v2'],
    summary: "The model's metadata: its input's shape and columns, its output's classes",
    parameters,
    responses: {
      '200': json(V2MetadataSchema, { name: model.app, versions: [String(model.appVersion)], platform: 'rafiki_ensemble', inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, ...tensor.shape.slice(1)] }], outputs: [{ name: output.name, datatype: 'FP32', shape: [-1, ...output.shape.slice(1)] }] }, 'The metadata'),
      ...v2Errors(READ_ERRORS),
    },
  });
  const modelReady = (parameters: OperationObject['parameters']): OperationObject => ({
    ...protectedOp,
    operationId: idOf('modelReady', parameters),
    tags: ['kserve v2'],
    summary: 'Whether the model takes queries',
    parameters,
    responses: { '200': json(V2ReadySchema, { name: model.app, ready: true }, 'Ready'), ...v2Errors(READ_ERRORS), '503': json(V2ReadySchema, { name: model.app, ready: false }, 'Not ready: starting or stopping') },
  });
  const health = (field: 'live' | 'ready', summary: string): OperationObject => ({
    operationId: field === 'live' ? 'serverLive' : 'serverReady',
    tags: ['health'],
    summary,
    responses: {
      '200': json(Type.Object({ [field]: Type.Boolean() }), { [field]: true }, summary),
      ...(field === 'ready' ? { '503': json(Type.Object({ ready: Type.Boolean() }), { ready: false }, 'Not ready: starting or stopping') } : {}),
      ...v2Errors(['INTERNAL']),
    },
  });

  const shared = sharedComponents();
  return asJsonSchema2020({
    openapi: OPENAPI_VERSION,
    info: {
      title: `Rafiki predictor of ${model.app} v${model.appVersion}`,
      version: '0.1.0',
      description: "An inference job's query frontend: Rafiki's /predict and the KServe v2 (Open Inference Protocol) endpoints. "
        + 'Errors are `{"error": {"code", "message"}}` on the Rafiki routes and `{"error": "message"}` on the v2 routes.',
    },
    paths: {
      '/predict': { post: predict },
      '/v2/models/{name}/infer': { post: infer([name]) },
      '/v2/models/{name}/versions/{version}/infer': { post: infer([name, version]) },
      '/v2/models/{name}': { get: metadata([name]) },
      '/v2/models/{name}/versions/{version}': { get: metadata([name, version]) },
      '/v2/models/{name}/ready': { get: modelReady([name]) },
      '/v2/models/{name}/versions/{version}/ready': { get: modelReady([name, version]) },
      '/v2': {
        get: {
          ...protectedOp, operationId: 'serverMetadata', tags: ['kserve v2'], summary: 'The server: its name and version',
          responses: { '200': json(Type.Object({ name: Type.String(), version: Type.String(), extensions: Type.Array(Type.String()) }), { name: 'rafiki', version: '0.1.0', extensions: [] }, 'The server'), ...v2Errors(['UNAUTHORIZED', 'FORBIDDEN', 'INTERNAL']) },
        },
      },
      '/v2/health/live': { get: health('live', 'Whether the server runs') },
      '/v2/health/ready': { get: health('ready', 'Whether the server takes queries') },
      '/metrics': {
        get: {
          ...protectedOp, operationId: 'metrics', tags: ['rafiki'], summary: 'Prometheus metrics: requests by endpoint and status, latency, batch sizes, queue',
          responses: {
            '200': { description: 'The Prometheus text format', content: { 'text/plain': { schema: { type: 'string' }, example: 'rafiki_frontend_requests_total{endpoint="predict",status="200"} 1520\n' } } },
            ...errorResponses(['UNAUTHORIZED', 'FORBIDDEN', 'INTERNAL']),
          },
        },
      },
      '/openapi.json': {
        get: { operationId: 'openapi', tags: ['rafiki'], summary: 'This document', responses: { '200': { description: 'The OpenAPI document', content: { 'application/json': { schema: { type: 'object' }, example: { openapi: OPENAPI_VERSION } } } } } },
      },
    },
    components: { ...shared, schemas: { ...shared.schemas, V2Error: plainSchema(V2ErrorSchema) } },
  });
}
