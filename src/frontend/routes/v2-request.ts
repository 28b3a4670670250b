import Ajv, { type ErrorObject } from 'ajv';
import { badRequest } from '../../common/errors.ts';
import type { OnnxInputSpec } from '../../model/model.ts';
import type { Task } from '../../model/task.ts';

/** The Open Inference Protocol's infer request, as far as this server reads it. */
export interface V2InferRequest {
  id?: string;
  parameters?: { deadline_ms?: number; [name: string]: unknown };
  inputs: { name: string; shape: number[]; datatype: string; data: unknown[]; parameters?: Record<string, unknown> }[];
  outputs?: { name: string }[];
}

/** Integer types and their ranges; FP types take any finite number. */
const INTEGER_RANGES: Record<string, [number, number]> = {
  UINT8: [0, 255], UINT16: [0, 65535], UINT32: [0, 2 ** 32 - 1], UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-128, 127], INT16: [-32768, 32767], INT32: [-(2 ** 31), 2 ** 31 - 1], INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
/** BYTES carries text: a tabular model's features as labels or numbers in text, null when missing. */
export const V2_DATATYPES = ['FP32', 'FP64', 'FP16', ...Object.keys(INTEGER_RANGES), 'BYTES'];

/** The infer request as JSON Schema: checked here, and shown in the frontend's API reference. */
export const V2_INFER_REQUEST_SCHEMA = {
  type: 'object',
  required: ['inputs'],
  properties: {
    id: { type: 'string' },
    parameters: { type: 'object', properties: { deadline_ms: { type: 'number' } } },
    inputs: {
      type: 'array', minItems: 1, maxItems: 1,
      items: {
        type: 'object',
        required: ['name', 'shape', 'datatype', 'data'],
        properties: {
          name: { type: 'string' },
          shape: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 0 } },
          datatype: { type: 'string', enum: V2_DATATYPES },
          data: { type: 'array' },
          parameters: { type: 'object' },
        },
      },
    },
    outputs: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
  },
} as const;

const check = new Ajv({ allErrors: false }).compile<V2InferRequest>(V2_INFER_REQUEST_SCHEMA);

/** What the model's one input takes: its input spec, or null when its template predicts itself. */
export interface V2Input { task: Task; input: OnnxInputSpec | null }

/**
 * Checks a v2 infer request against the protocol and the model's input, and
 * turns its one tensor into queries for the predict path: `[N, features]` rows
 * for tabular models, `[N, H, W]` or `[N, H, W, C]` images. In a numeric tensor,
 * a categorical column carries the category's index in the metadata's
 * `categories` (as the ONNX graph takes it; any other number is an unknown
 * category); a BYTES tensor carries labels. Throws a 400 that says what was expected.
 *
 * @example
 * v2Queries({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] }, { task, input });
 * // → [[5.1, 3.5, 1.4, 0.2]]
 */
export function v2Queries(body: unknown, model: V2Input): { request: V2InferRequest; queries: unknown[] } {
  if (!check(body)) throw badRequest(`not a v2 infer request: ${describe(check.errors?.[0])}`);
  const tensor = body.inputs[0]!;
  if (tensor.datatype === 'BYTES' && model.task === 'IMAGE_CLASSIFICATION') throw badRequest('inputs.0.datatype must be a numeric type for image pixels (UINT8 or FP32), not BYTES');
  const data = flatten(tensor.data, tensor.datatype);
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw badRequest(`input "${tensor.name}" has shape [${tensor.shape.join(', ')}], which holds ${count} values, but its data has ${data.length}`);
  }
  const [n = 0, ...rest] = tensor.shape;
  if (model.task === 'IMAGE_CLASSIFICATION') return { request: body, queries: images(n, rest, data, model.input) };
  const features = model.input?.kind === 'tabular' ? model.input.columns.length : undefined;
  if (rest.length !== 1 || (features !== undefined && rest[0] !== features)) {
    const names = model.input?.kind === 'tabular' ? ` (${model.input.columns.map((c) => c.name).join(', ')})` : '';
    throw badRequest(`input "${tensor.name}" must have shape [N, ${features ?? 'features'}]${names}, got [${tensor.shape.join(', ')}]`);
  }
  const width = rest[0]!;
  const categories = model.input?.kind === 'tabular' && tensor.datatype !== 'BYTES' ? model.input.columns.map((c) => c.categories) : [];
  const rows = Array.from({ length: n }, (_, i) => data.slice(i * width, (i + 1) * width).map((v, j) => {
    const labels = categories[j];
    return labels && typeof v === 'number' ? (labels[v] ?? null) : v;
  }));
  return { request: body, queries: rows };
}

function images(n: number, rest: number[], data: (number | string | null)[], input: OnnxInputSpec | null): unknown[] {
  const expected = input?.kind === 'image' ? (input.channels === 1 ? `[N, ${input.height}, ${input.width}]` : `[N, ${input.height}, ${input.width}, ${input.channels}]`) : '[N, H, W] or [N, H, W, C]';
  const [height = 0, width = 0, channels = 1] = rest;
  if (rest.length < 2 || rest.length > 3 || height === 0 || width === 0 || ![1, 3, 4].includes(channels)) {
    throw badRequest(`an image input must have shape ${expected} with 1, 3 or 4 channels, got [${[n, ...rest].join(', ')}]`);
  }
  const size = height * width * channels;
  return Array.from({ length: n }, (_, i) => Array.from({ length: height }, (_, y) => {
    const row = data.slice(i * size + y * width * channels, i * size + (y + 1) * width * channels);
    if (rest.length === 2) return row;
    return Array.from({ length: width }, (_, x) => row.slice(x * channels, (x + 1) * channels));
  }));
}

/** Row-major values of nested or flat data, checked against the datatype. */
function flatten(data: unknown[], datatype: string): (number | string | null)[] {
  const values = data.flat(Infinity as 1) as unknown[];
  if (datatype === 'BYTES') {
    values.forEach((v, i) => {
      if (v !== null && typeof v !== 'string' && (typeof v !== 'number' || !Number.isFinite(v))) {
        throw badRequest(`data[${i}] is ${JSON.stringify(v)}, but BYTES data must be text (or null for a missing value)`);
      }
    });
    return values as (string | number | null)[];
  }
  const range = INTEGER_RANGES[datatype];
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`data[${i}] is ${JSON.stringify(v)}, but ${datatype} data must be finite numbers`);
    if (range && (!Number.isInteger(v) || v < range[0] || v > range[1])) {
      throw badRequest(`data[${i}] is ${v}, but ${datatype} data must be integers from ${range[0]} to ${range[1]}`);
    }
  });
  return values as number[];
}

function describe(error: ErrorObject | undefined): string {
  if (!error) return 'it does not match the protocol';
  const where = error.instancePath === '' ? 'the body' : error.instancePath.slice(1).replaceAll('/', '.');
  if (error.keyword === 'enum') return `${where} must be one of ${V2_DATATYPES.join(', ')}`;
  if (error.keyword === 'maxItems' && where === 'inputs') return 'the model takes one input tensor';
  return `${where} ${error.message ?? 'is invalid'}`;
}
