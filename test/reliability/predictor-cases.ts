/**
 * A hand-made bad-input corpus for a query frontend: Rafiki's /predict and
 * the KServe v2 routes of one deployed app, with bodies of the wrong shape,
 * type and size, odd numbers and text, nesting, and odd paths and methods.
 */
import type { Case } from './corpus.ts';
import type { ErrorShape } from './send.ts';
import { HUGE, nested, ODD_BODIES, ODD_NUMBERS, ODD_STRINGS, RAW_NUMBERS, TOO_DEEP } from './values.ts';

export interface PredictorModel {
  app: string;
  version: number;
  /** One valid query's values, row-major: [4] for iris, [8, 8] for an 8×8 grey image. */
  shape: number[];
  /** Column names of a tabular model, for queries written as objects. */
  columns?: string[];
}

const JSON_TYPE = { 'content-type': 'application/json' };
const V2_FIELDS = ['inputs', 'name', 'shape', 'datatype', 'data', 'parameters', 'deadline_ms', 'id', 'outputs', 'body'];
const PREDICT_FIELDS = ['query', 'queries', 'deadline_ms', 'body'];

/** A valid query of the model: values 0…n-1 in its shape. */
function query(model: PredictorModel, value: (i: number) => unknown = (i) => i % 8): unknown {
  let i = 0;
  const build = (dims: number[]): unknown => (dims.length === 0 ? value(i++) : Array.from({ length: dims[0]! }, () => build(dims.slice(1))));
  return build(model.shape);
}

const size = (model: PredictorModel) => model.shape.reduce((a, b) => a * b, 1);

/** Every case for one model's frontend. */
export function predictorCases(model: PredictorModel): Case[] {
  const cases: Case[] = [];
  const add = (operation: string, what: string, url: string, body: string | Uint8Array | undefined, names: string[], method = 'POST') => {
    cases.push({ operation, what, method, url, headers: body === undefined ? {} : JSON_TYPE, ...(body === undefined ? {} : { body }), names });
  };
  const predict = (what: string, body: unknown, names = PREDICT_FIELDS) => add('POST /predict', what, '/predict', typeof body === 'string' ? body : JSON.stringify(body), names);
  const raw = (value: string) => `{"query":${value}}`;
  const good = query(model);

  // /predict: the body as a whole, then each key.
  for (const [what, text] of Object.entries(ODD_BODIES)) add('POST /predict', `the body: ${what}`, '/predict', text, ['body']);
  predict('neither query nor queries', {}, ['query', 'queries']);
  predict('both query and queries', { query: good, queries: [good] }, ['query', 'queries']);
  predict('an unknown key beside query', { query: good, corpus_unknown: 1 });
  predict('query given twice, the wrong type last', `{"query":${JSON.stringify(good)},"query":"corpus"}`, ['query']);
  predict('__proto__ beside query', `{"__proto__":{"isAdmin":true},"query":${JSON.stringify(good)}}`);
  const queryValues: Record<string, unknown> = {
    'null': null, 'a string': 'corpus', 'a number': 5, 'true': true, 'an empty array': [], 'an empty object': {},
    'one value short': query({ ...model, shape: [size(model) - 1] }), 'one value too many': [...(good as unknown[]), good],
    'nested one level deeper': [good], 'flat when it nests': model.shape.length > 1 ? Array.from({ length: size(model) }, () => 1) : [[1]],
    'strings for numbers': query(model, () => 'corpus'), 'numeric strings': query(model, (i) => String(i)),
    'nulls': query(model, () => null), 'booleans': query(model, () => true), 'objects': query(model, () => ({})),
    'nested 60 deep': nested(60), 'one million values': Array.from({ length: 1_000_000 }, () => 1),
  };
  for (const [what, value] of Object.entries(ODD_NUMBERS)) queryValues[`every value ${what}`] = query(model, () => value);
  for (const [what, value] of Object.entries(ODD_STRINGS)) queryValues[`a value of ${what}`] = query(model, (i) => (i === 0 ? value : 1));
  for (const [what, value] of Object.entries(queryValues)) predict(`query: ${what}`, { query: value });
  for (const [what, token] of Object.entries(RAW_NUMBERS)) {
    predict(`query: a value of ${what}`, raw(JSON.stringify(query(model, (i) => (i === 0 ? '\u0001' : 1))).replace('"\\u0001"', token)));
  }
  predict(`query: nested ${TOO_DEEP} deep`, { query: nested(TOO_DEEP) }, ['body']);
  if (model.columns) {
    const named = Object.fromEntries(model.columns.map((c, i) => [c, i]));
    predict('query as an object', { query: named });
    predict('query as an object without a column', { query: Object.fromEntries(model.columns.slice(1).map((c) => [c, 1])) }, [model.columns[0]!, 'query']);
    predict('query as an object with an unknown column', { query: { ...named, corpus_unknown: 1 } }, ['corpus_unknown', 'query']);
    predict('query as an object with a string value', { query: { ...named, [model.columns[0]!]: 'corpus' } }, [model.columns[0]!, 'query']);
    predict('query as an object with a NUL key', { query: { ...named, 'a\u0000b': 1 } }, ['query', 'a']);
    predict('query as an object with a lone surrogate key', { query: { ...named, '\ud800': 1 } });
  }
  const queriesValues: Record<string, unknown> = {
    'null': null, 'a string': 'corpus', 'an object': {}, 'a number': 1, 'an empty array': [],
    'one bad among good ones': [good, 'corpus', good], 'one hundred thousand queries': Array.from({ length: 100_000 }, () => good),
  };
  for (const [what, value] of Object.entries(queriesValues)) predict(`queries: ${what}`, { queries: value });
  const deadlines: Record<string, unknown> = { 'a string': '100', 'null': null, 'true': true, 'an array': [100], ...ODD_NUMBERS, 'above a minute': 60_001 };
  for (const [what, value] of Object.entries(deadlines)) {
    // The odd numbers that are valid deadlines (a half, the subnormal) are fine; the rest are not.
    const valid = typeof value === 'number' && value > 0 && value <= 60_000;
    predict(`deadline_ms: ${what}`, { query: good, deadline_ms: value }, valid ? PREDICT_FIELDS : ['deadline_ms']);
  }
  predict('deadline_ms: 1e400', `{"query":${JSON.stringify(good)},"deadline_ms":1e400}`, ['deadline_ms']);

  // KServe v2 infer: the request's fields and the tensor's.
  const tensor = { name: 'input', shape: [1, ...model.shape], datatype: 'FP32', data: (good as unknown[]).flat(Infinity as 1) };
  const infer = `/v2/models/${model.app}/infer`;
  const v2 = (what: string, body: unknown, names = V2_FIELDS, url = infer) => add('POST /v2/models/{app}/infer', what, url, typeof body === 'string' ? body : JSON.stringify(body), names);
  for (const [what, text] of Object.entries(ODD_BODIES)) add('POST /v2/models/{app}/infer', `the body: ${what}`, infer, text, ['body']);
  v2('no inputs', {}, ['inputs']);
  v2('two inputs', { inputs: [tensor, tensor] }, ['inputs', 'input']);
  for (const [what, inputs] of Object.entries({ 'null': null, 'a string': 'corpus', 'an object': tensor, 'an empty array': [], 'an array of null': [null] })) v2(`inputs: ${what}`, { inputs }, ['inputs']);
  for (const key of ['name', 'shape', 'datatype', 'data'] as const) {
    const { [key]: _, ...without } = tensor;
    v2(`inputs[0].${key}: missing`, { inputs: [without] }, [key]);
    for (const [what, value] of Object.entries({ 'null': null, 'a number': 7, 'a string': 'corpus', 'an object': { a: 1 }, 'true': true })) {
      if (key === 'name' && what === 'a string') continue;
      v2(`inputs[0].${key}: ${what}`, { inputs: [{ ...tensor, [key]: value }] }, [key]);
    }
  }
  const shapes: Record<string, unknown[]> = {
    'empty': [], 'negative': [-1, ...model.shape], 'a fraction': [0.5, ...model.shape], 'zero rows': [0, ...model.shape],
    'one dimension too few': model.shape, 'one dimension too many': [1, 1, ...model.shape], 'huge': [2 ** 53, ...model.shape],
    'a product past 2^53': [2 ** 31, 2 ** 31, ...model.shape], 'strings': ['1', ...model.shape], 'a thousand dimensions': Array.from({ length: 1000 }, () => 1),
  };
  for (const [what, shape] of Object.entries(shapes)) {
    const data = what === 'zero rows' ? [] : tensor.data;
    v2(`inputs[0].shape: ${what}`, { inputs: [{ ...tensor, shape, data }] }, ['shape', 'input']);
  }
  for (const datatype of ['fp32', 'STRING', 'BOOL', 'INT8', 'UINT8', 'BYTES', 'FP16', '']) v2(`inputs[0].datatype: ${JSON.stringify(datatype)}`, { inputs: [{ ...tensor, datatype }] }, ['datatype', 'data']);
  const datas: Record<string, unknown[]> = {
    'strings': tensor.data.map(() => 'corpus'), 'nulls': tensor.data.map(() => null), 'objects': tensor.data.map(() => ({})),
    'one value short': tensor.data.slice(1), 'nested unevenly': [tensor.data.slice(0, 1), tensor.data.slice(1)],
    'one million values': Array.from({ length: 1_000_000 }, () => 1), 'nested 60 deep': [nested(60)],
    'negative for UINT8 image': tensor.data.map(() => -1),
  };
  for (const [what, value] of Object.entries(ODD_NUMBERS)) datas[`every value ${what}`] = tensor.data.map(() => value);
  for (const [what, data] of Object.entries(datas)) v2(`inputs[0].data: ${what}`, { inputs: [{ ...tensor, data }] }, ['data', 'input', 'shape']);
  for (const [what, token] of Object.entries(RAW_NUMBERS)) {
    v2(`inputs[0].data: a value of ${what}`, JSON.stringify({ inputs: [{ ...tensor, data: ['\u0001', ...tensor.data.slice(1)] }] }).replace('"\\u0001"', token), ['data', 'body']);
  }
  for (const [what, parameters] of Object.entries({ 'a string': 'corpus', 'null': null, 'an array': [1], 'deadline_ms a string': { deadline_ms: '5' }, 'deadline_ms negative': { deadline_ms: -5 }, 'deadline_ms above a minute': { deadline_ms: 60_001 } })) {
    v2(`parameters: ${what}`, { inputs: [tensor], parameters }, ['parameters', 'deadline_ms']);
  }
  for (const [what, id] of Object.entries({ 'a number': 7, 'null': null, 'an object': {}, 'a NUL': '\u0000', 'a lone surrogate': '\ud800', '1 MiB': 'x'.repeat(HUGE) })) v2(`id: ${what}`, { id, inputs: [tensor] });
  for (const [what, outputs] of Object.entries({ 'a string': 'corpus', 'an array of strings': ['x'], 'an object without a name': [{}] })) v2(`outputs: ${what}`, { inputs: [tensor], outputs }, ['outputs', 'name']);

  // Paths: other models and versions, odd names, the wrong method.
  const paths: Record<string, string> = {
    'another model': '/v2/models/corpus/infer', 'another version': `/v2/models/${model.app}/versions/${model.version + 1}/infer`,
    'a version of words': `/v2/models/${model.app}/versions/corpus/infer`, 'a bad escape': '/v2/models/%E0%A4/infer', 'a NUL': '/v2/models/a%00b/infer',
    'a long name': `/v2/models/${'x'.repeat(8192)}/infer`, 'a slash escaped': `/v2/models/${model.app}%2Finfer`, 'a trailing slash': `${infer}/`,
    'a query string': `${infer}?corpus=%00`, 'dot segments': `/v2/models/../models/${model.app}/infer`,
  };
  for (const [what, url] of Object.entries(paths)) v2(`the path: ${what}`, { inputs: [tensor] }, V2_FIELDS, url);
  for (const path of ['/predict', infer, `/v2/models/${model.app}`, `/v2/models/${model.app}/ready`, '/metrics', '/v2/health/ready', '/v2']) {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) add(`${method} ${path}`, 'any method', path, undefined, ['body'], method);
  }
  for (const path of ['/', '/corpus', '/v2/models', `/v2/models/${model.app}/versions`, `/v2/models/${model.app}/versions/${model.version}`, `/v2/models/${model.app}/versions/${model.version}/ready`]) {
    add(`GET ${path}`, 'a path', path, undefined, ['body'], 'GET');
  }
  return cases;
}

/**
 * The error shapes a case may be answered in: a route answers in its protocol's
 * (KServe's on the v2 routes), a path that matches no route or method in
 * Rafiki's; under /v2 the corpus holds both kinds.
 */
export const predictorShapes = (c: Case): ErrorShape[] => (c.url.startsWith('/v2') ? ['kserve', 'rafiki'] : ['rafiki']);
