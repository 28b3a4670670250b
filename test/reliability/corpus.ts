/**
 * A bad-input corpus derived from a route's schemas: starting from a valid
 * request, each path value, query value and body field in turn is spoiled
 * (the wrong type, missing, huge, NUL, odd Unicode, edge numbers, nested too
 * deep, repeated, unknown), then the body as a whole (not JSON, the wrong
 * content type, malformed multipart). Each case says which names a 400 to it
 * must carry: the field it spoiled, or, when the request still passes the
 * schema, any field of the route.
 */
import { encodeMultipart, multipartType, type Part } from './multipart.ts';
import { operationName, type Operation, type Param } from './operations.ts';
import { accepts, branches, exampleOf, fieldName, numericBranch, slotsOf, withValue, type FieldPath, type JsonSchema } from './schemas.ts';
import {
  FORM_STRINGS, HUGE, JSON_TYPES, nested, ODD_BODIES, ODD_CONTENT_TYPES, ODD_NUMBERS, ODD_STRINGS, ODD_URL_VALUES, RAW_NUMBERS, TOO_DEEP, URL_PAST_HEAD_LIMIT,
} from './values.ts';

export interface Case {
  /** The route: "POST /users". */
  operation: string;
  /** What is wrong with it: "body.email: a NUL". */
  what: string;
  method: string;
  /** Path and query, as written on the wire. */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** A 400 or 422 answer must carry one of these names. */
  names: string[];
  /** Past Bun's 16 KiB limit on a request head: Bun answers a bare 431 before any of Rafiki's code runs. */
  headTooLarge?: boolean;
}

/** A request of the operation: path and query values as written in the URL, and the body. */
interface Request {
  path: Record<string, string>;
  query: [string, string | null][];
  body?: string | Uint8Array;
  contentType?: string | null;
}

const UNKNOWN_FIELD = 'corpus_unknown';
const JSON_TYPE = 'application/json';

/** Every case of the corpus for one operation. */
export function casesOf(op: Operation): Case[] {
  const name = operationName(op);
  const base = baseRequest(op);
  const everyName = namesOf(op);
  const cases: Case[] = [];
  const add = (what: string, request: Request, names: string[], extra: Partial<Case> = {}) => {
    cases.push({ operation: name, what, ...wire(op, request), names, ...extra });
  };

  for (const param of op.params) {
    const spoil = (value: string | null, what: string) => {
      const request = param.in === 'path'
        ? { ...base, path: { ...base.path, [param.name]: value ?? '' } }
        : { ...base, query: [...base.query.filter(([key]) => key !== param.name), [param.name, value] as [string, string | null]] };
      add(`${param.in}.${param.name}: ${what}`, request, value !== null && paramAccepts(param, value) ? everyName : [param.name]);
    };
    for (const [what, value] of Object.entries(ODD_URL_VALUES)) spoil(value, what);
    const huge = param.in === 'path' ? { ...base, path: { ...base.path, [param.name]: URL_PAST_HEAD_LIMIT } } : { ...base, query: [[param.name, URL_PAST_HEAD_LIMIT]] as Request['query'] };
    add(`${param.in}.${param.name}: 1 MiB`, huge, [], { headTooLarge: true });
    if (param.in === 'query') {
      const example = encodeURIComponent(String(exampleOf(param.schema)));
      add(`query.${param.name}: given twice`, { ...base, query: [[param.name, example], [param.name, example]] }, [param.name]);
      spoil(null, 'a key without a value');
    }
  }
  if (op.params.some((p) => p.in === 'query') || op.method === 'GET') {
    add('query: an unknown parameter', { ...base, query: [...base.query, [UNKNOWN_FIELD, '1']] }, [UNKNOWN_FIELD, ...everyName]);
  }

  if (op.body?.encoding === 'json') {
    const schema = op.body.schema;
    for (const { what, text, names } of jsonFieldBodies(schema, bodyExample(op))) add(what, { ...base, body: text }, names(everyName));
    for (const [what, text] of Object.entries(ODD_BODIES)) add(`the body: ${what}`, { ...base, body: text }, ['body']);
    for (const [what, type] of Object.entries(ODD_CONTENT_TYPES)) add(`the content type: ${what}`, { ...base, contentType: type }, ['body', ...everyName]);
  }
  if (op.body?.encoding === 'multipart') {
    for (const { what, parts, names } of multipartBodies(op)) add(what, { ...base, body: encodeMultipart(parts), contentType: multipartType() }, names ?? everyName);
    for (const { what, body, contentType } of malformedMultipart(op)) add(`the multipart body: ${what}`, { ...base, body, contentType }, ['multipart', 'form', 'body', ...everyName]);
  }
  return cases;
}

/**
 * Requests of the operation with one odd Authorization header each: the
 * anonymous side of the corpus. `tokens` adds named headers of the caller's own
 * (an expired token, one signed with another key).
 */
export function authCases(op: Operation, tokens: Record<string, string> = {}): Case[] {
  const headers: Record<string, string> = {
    'Bearer and nothing': 'Bearer',
    'Bearer and a space': 'Bearer ',
    'three dots': 'Bearer ...',
    'not a JWT': 'Bearer corpus',
    'a JWT of garbage': 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    'Basic': 'Basic Y29ycHVzOmNvcnB1cw==',
    'two tokens': 'Bearer a b',
    '8 KiB': `Bearer ${'x'.repeat(8 * 1024)}`,
    ...Object.fromEntries(Object.entries(tokens).map(([what, token]) => [what, `Bearer ${token}`])),
  };
  const request = wire(op, baseRequest(op));
  return Object.entries(headers).map(([what, authorization]) => ({
    operation: operationName(op), what: `Authorization: ${what}`, ...request, headers: { ...request.headers, authorization }, names: namesOf(op),
  }));
}

/** The valid request every case spoils one thing of. */
function baseRequest(op: Operation): Request {
  const path = Object.fromEntries(op.params.filter((p) => p.in === 'path').map((p) => [p.name, encodeURIComponent(String(exampleOf(p.schema)))]));
  const query = op.params.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, encodeURIComponent(String(exampleOf(p.schema)))] as [string, string]);
  if (!op.body) return { path, query };
  if (op.body.encoding === 'json') {
    const body = bodyExample(op);
    if (!accepts(op.body.schema, body)) throw new Error(`${operationName(op)}: the corpus's example body fails its own schema`);
    return { path, query, body: JSON.stringify(body), contentType: JSON_TYPE };
  }
  return { path, query, body: encodeMultipart(baseParts(op)), contentType: multipartType() };
}

/** The operation's valid body: the schema's example, with the operation's own examples over it. */
function bodyExample(op: Operation): Record<string, unknown> {
  return { ...exampleOf(op.body!.schema) as Record<string, unknown>, ...op.body!.examples };
}

function wire(op: Operation, request: Request): Pick<Case, 'method' | 'url' | 'headers' | 'body'> {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => request.path[name]!);
  const query = request.query.map(([key, value]) => (value === null ? key : `${key}=${value}`)).join('&');
  return {
    method: op.method,
    url: query ? `${path}?${query}` : path,
    headers: request.contentType ? { 'content-type': request.contentType } : {},
    ...(request.body === undefined ? {} : { body: request.body }),
  };
}

/** Every name a message of this operation may name a field by. */
function namesOf(op: Operation): string[] {
  const names = op.params.map((p) => p.name);
  if (op.body) {
    names.push('body');
    for (const slot of slotsOf(op.body.schema, bodyExample(op))) names.push(fieldName(slot.path));
    names.push(...Object.keys(op.body.files ?? {}));
  }
  return [...new Set(names)];
}

/** Whether a path or query value, as written in the URL, passes its parameter's schema once decoded (and converted, for numbers). */
function paramAccepts(param: Param, written: string): boolean {
  let value: string;
  try {
    value = decodeURIComponent(written);
  } catch {
    return false;
  }
  const numeric = numericBranch(param.schema);
  if (numeric) return /^-?\d+(?:\.\d+)?$/.test(value) && accepts(numeric, Number(value));
  return accepts(param.schema, value);
}

// ---------------------------------------------------------------- JSON bodies

interface FieldBody {
  what: string;
  text: string;
  /** The names a 400 must carry, given every name of the operation. */
  names(everyName: string[]): string[];
}

/** A unique string standing for raw JSON text in a body before it is written out. */
const RAW = '\u0001corpus-raw\u0001';
const rawJson = (body: unknown, raw: string) => JSON.stringify(body).replace(JSON.stringify(RAW), raw);

/** Bodies each spoiling one field of `schema` (nested fields too), then ones with keys repeated or unknown. */
function* jsonFieldBodies(schema: JsonSchema, base: Record<string, unknown>): Generator<FieldBody> {
  for (const slot of slotsOf(schema, base)) {
    const label = `body.${slot.path.join('.')}`;
    const field = fieldName(slot.path);
    const judged = (what: string, body: unknown): FieldBody => ({
      what: `${label}: ${what}`, text: JSON.stringify(body), names: (every) => (accepts(schema, body) ? every : [field]),
    });
    if (slot.required) yield judged('missing', withValue(slot.base, slot.path, undefined));
    for (const [what, value] of Object.entries(valuesFor(slot.schema))) yield judged(what, withValue(slot.base, slot.path, value));
    // A pattern (an email's, say) refuses the odd strings alone; around a valid value some pass it, and go further.
    const example = valueAt(slot.base, slot.path) ?? exampleOf(slot.schema);
    if (typeof example === 'string' && branches(slot.schema).some((s) => s.pattern || s.format)) {
      for (const [what, value] of Object.entries(ODD_STRINGS)) yield judged(`${what} before a valid value`, withValue(slot.base, slot.path, `${value}${example}`));
    }
    for (const [what, raw] of Object.entries(RAW_NUMBERS)) {
      const text = rawJson(withValue(slot.base, slot.path, RAW), raw);
      // Read as JSON reads it: text that is no JSON is about the body; JSON that passes may be refused for another field.
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const valid = parsed !== undefined && accepts(schema, parsed) && Number.isFinite(valueAt(parsed, slot.path));
      yield { what: `${label}: ${what}`, text, names: (every) => (valid ? every : [field, 'body']) };
    }
    yield { what: `${label}: nested ${TOO_DEEP} deep`, text: JSON.stringify(withValue(slot.base, slot.path, nested(TOO_DEEP))), names: () => ['body'] };
    if (slot.path.length === 1) yield* repeatedKey(schema, slot.base as Record<string, unknown>, field);
  }
  for (const key of [UNKNOWN_FIELD, '__proto__', 'constructor']) {
    // Written as text: an object literal's __proto__ would set the prototype instead of a key.
    const text = `{${JSON.stringify(key)}:{"isAdmin":true}${Object.keys(base).length > 0 ? `,${JSON.stringify(base).slice(1)}` : '}'}`;
    yield { what: `body: an unknown key ${key}`, text, names: (every) => (accepts(schema, JSON.parse(text)) ? every : [key]) };
  }
}

/** The field's wrong-type values, and the odd values of each type it takes. */
function valuesFor(schema: JsonSchema): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [type, value] of Object.entries(JSON_TYPES)) {
    if (!accepts(schema, value)) values[`a value of the wrong type (${type})`] = value;
  }
  const types = typesOf(schema);
  if (types.has('string')) {
    for (const [what, value] of Object.entries(ODD_STRINGS)) values[what] = value;
    const max = Math.max(...branches(schema).map((s) => s.maxLength ?? -1));
    if (max >= 0) values[`one character past ${max}`] = 'x'.repeat(max + 1);
    values['1 MiB'] = 'x'.repeat(HUGE);
  }
  if (types.has('number') || types.has('integer')) {
    for (const [what, value] of Object.entries(ODD_NUMBERS)) values[what] = value;
  }
  const array = branches(schema).find((s) => s.type === 'array');
  if (array) {
    values['an empty array'] = [];
    values['100,000 items'] = Array.from({ length: 100_000 }, () => exampleOf(array.items ?? {}));
  }
  if (types.has('object')) values['an empty object'] = {};
  values['nested 60 deep'] = nested(60);
  return values;
}

/** The JSON types a schema takes; every type for a schema that says none (t.Unknown). */
function typesOf(schema: JsonSchema): Set<string> {
  const types = new Set<string>();
  for (const branch of branches(schema)) {
    if (branch.type === undefined && branch.const === undefined && branch.enum === undefined) return new Set(['string', 'number', 'integer', 'boolean', 'null', 'array', 'object']);
    for (const type of [branch.type ?? typeof (branch.const ?? branch.enum?.[0])].flat()) types.add(type);
  }
  return types;
}

function valueAt(body: unknown, path: FieldPath): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], body);
}

/** The key twice, spoiled then valid, and valid then spoiled (JSON.parse keeps the last). */
function* repeatedKey(schema: JsonSchema, base: Record<string, unknown>, key: string): Generator<FieldBody> {
  const wrong = Object.values(JSON_TYPES).find((v) => !accepts(schema.properties[key], v));
  if (wrong === undefined) return;
  const rest = Object.entries(base).filter(([k]) => k !== key).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  const good = `${JSON.stringify(key)}:${JSON.stringify(exampleOf(schema.properties[key]))}`;
  const bad = `${JSON.stringify(key)}:${JSON.stringify(wrong)}`;
  yield { what: `body.${key}: given twice, the wrong type last`, text: `{${[good, ...rest, bad].join(',')}}`, names: () => [key] };
  yield { what: `body.${key}: given twice, the wrong type first`, text: `{${[bad, ...rest, good].join(',')}}`, names: (every) => every };
}

// ----------------------------------------------------------- multipart bodies

/** The valid form: its required text fields and one valid file per file field. */
function baseParts(op: Operation): Part[] {
  const fields = bodyExample(op) as Record<string, string>;
  return [
    ...Object.entries(fields).map(([name, value]) => ({ name, value })),
    ...Object.entries(op.body!.files ?? {}).map(([name, value]) => ({ name, value, filename: 'corpus.bin' })),
  ];
}

/** Forms each spoiling one text field or file part. `names` unset: judged by the form's schema. */
function* multipartBodies(op: Operation): Generator<{ what: string; parts: Part[]; names?: string[] }> {
  const schema = op.body!.schema;
  const base = baseParts(op);
  const textOf = (parts: Part[]) => Object.fromEntries(parts.filter((p) => p.filename === undefined).map((p) => [p.name, Buffer.from(p.value).toString('utf8')]));
  const judged = (what: string, parts: Part[], field: string) => ({ what, parts, ...(accepts(schema, textOf(parts)) ? {} : { names: [field] }) });
  const without = (name: string) => base.filter((p) => p.name !== name);
  for (const [field, fieldSchema] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
    const label = `form.${field}`;
    const values = { ...FORM_STRINGS };
    if (fieldSchema.maxLength !== undefined) values[`one character past ${fieldSchema.maxLength}`] = 'x'.repeat(fieldSchema.maxLength + 1);
    values['1 MiB'] = 'x'.repeat(HUGE);
    for (const [what, value] of Object.entries(values)) yield judged(`${label}: ${what}`, [...without(field), { name: field, value }], field);
    if ((schema.required ?? []).includes(field)) yield judged(`${label}: missing`, without(field), field);
    const example = String(bodyExample(op)[field] ?? exampleOf(fieldSchema));
    yield judged(`${label}: given twice`, [...base, { name: field, value: example }], field);
    yield { what: `${label}: sent as a file`, parts: [...without(field), { name: field, value: example, filename: 'field.txt' }], names: [field] };
  }
  yield { what: `form.${UNKNOWN_FIELD}: an unknown field`, parts: [...base, { name: UNKNOWN_FIELD, value: '1' }], names: [UNKNOWN_FIELD] };
  yield { what: 'form: a field whose name has a NUL', parts: [...base, { name: 'na\u0000me', value: '1' }], names: ['na', 'form', 'multipart'] };
  yield { what: 'form: a file field of no name', parts: [...base, { name: '', value: 'x', filename: 'x' }], names: ['form', 'file', 'multipart'] };
  for (const [file, bytes] of Object.entries(op.body!.files ?? {})) {
    const label = `file ${file}`;
    const others = base.filter((p) => p.name !== file);
    yield { what: `${label}: missing`, parts: others, names: [file] };
    yield { what: `${label}: empty`, parts: [...others, { name: file, value: new Uint8Array(), filename: 'empty' }], names: [file] };
    yield { what: `${label}: sent as a text field`, parts: [...others, { name: file, value: 'a,b\n1,2\n' }], names: [file] };
    yield { what: `${label}: sent twice`, parts: [...base, { name: file, value: bytes, filename: 'again' }], names: [file] };
    for (const [what, filename] of Object.entries({ 'a NUL': 'a\u0000b', 'a path': '../../etc/passwd', 'an emoji': '👍🏽.bin', 'a quote': 'a"b', '8 KiB': 'x'.repeat(8192) })) {
      yield { what: `${label}: a file name with ${what}`, parts: [...others, { name: file, value: bytes, filename }] };
    }
    yield { what: `${label}: an odd part content type`, parts: [...others, { name: file, value: bytes, filename: 'x', contentType: 'application/x-corpus; charset=";' }] };
  }
  yield { what: `form: ${UNKNOWN_FIELD} as a file`, parts: [...base, { name: UNKNOWN_FIELD, value: 'x', filename: 'x' }], names: [UNKNOWN_FIELD] };
  yield { what: 'form: a thousand unknown fields', parts: [...base, ...Array.from({ length: 1000 }, (_, i) => ({ name: `f${i}`, value: '1' }))], names: ['f0', 'form'] };
}

/** Bodies that are not well-formed multipart, or not multipart at all. */
function malformedMultipart(op: Operation): { what: string; body: string | Uint8Array; contentType: string | null }[] {
  const parts = baseParts(op);
  const good = encodeMultipart(parts);
  return [
    { what: 'no boundary in the content type', body: good, contentType: 'multipart/form-data' },
    { what: 'another boundary than the body uses', body: good, contentType: multipartType('another-boundary') },
    { what: 'an empty boundary', body: good, contentType: 'multipart/form-data; boundary=' },
    { what: 'a quoted boundary', body: good, contentType: 'multipart/form-data; boundary="corpus-boundary-5c1e"' },
    { what: 'no closing boundary', body: encodeMultipart(parts, { close: false }), contentType: multipartType() },
    { what: 'cut in the middle', body: good.subarray(0, Math.floor(good.length / 2)), contentType: multipartType() },
    { what: 'bare LF line ends', body: encodeMultipart(parts, { newline: '\n' }), contentType: multipartType() },
    { what: 'empty', body: '', contentType: multipartType() },
    { what: 'garbage', body: 'corpus corpus corpus', contentType: multipartType() },
    { what: 'a part without headers', body: encodeMultipart([...parts, { name: 'x', value: 'x', rawHeaders: '' }]), contentType: multipartType() },
    { what: 'a part without a name', body: encodeMultipart([...parts, { name: 'x', value: 'x', rawHeaders: 'Content-Disposition: form-data' }]), contentType: multipartType() },
    { what: 'a part header of 64 KiB', body: encodeMultipart([...parts, { name: 'x', value: 'x', rawHeaders: `Content-Disposition: form-data; name="${'x'.repeat(65536)}"` }]), contentType: multipartType() },
    { what: 'multipart/mixed', body: good, contentType: 'multipart/mixed; boundary=corpus-boundary-5c1e' },
    { what: 'JSON instead', body: '{"name":"corpus"}', contentType: JSON_TYPE },
    { what: 'no content type', body: good, contentType: null },
  ];
}
