/**
 * What the corpus needs of a JSON Schema (an OpenAPI document's, or a TypeBox
 * schema's, which is one): a valid example of it, whether a value passes it,
 * and the fields of an object schema, each with a valid body to spoil it in.
 */
import Ajv, { type ValidateFunction } from 'ajv';

export type JsonSchema = Record<string, any>;
export type FieldPath = (string | number)[];

const ajv = new Ajv({ strict: false, allErrors: false });
// The formats Elysia's schemas use, as Elysia reads them.
ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
ajv.addFormat('integer', /^-?\d+$/);
ajv.addFormat('numeric', /^-?\d+(?:\.\d+)?$/);
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** Integers written as text in a path or query (src/common/integer-schema.ts) have a format per range: `integer MIN..MAX`. */
function addIntegerRanges(schema: unknown): void {
  if (typeof schema !== 'object' || schema === null) return;
  for (const [key, value] of Object.entries(schema)) {
    const range = key === 'format' && typeof value === 'string' ? /^integer (-?\d+)\.\.(-?\d+)$/.exec(value) : null;
    if (range && !ajv.formats[value as string]) {
      const [min, max] = [Number(range[1]), Number(range[2])];
      ajv.addFormat(value as string, (text: string) => /^-?\d+$/.test(text) && Number(text) >= min && Number(text) <= max);
    } else addIntegerRanges(value);
  }
}

/** Whether `value` passes `schema`. */
export function accepts(schema: JsonSchema, value: unknown): boolean {
  let validate = compiled.get(schema);
  if (!validate) {
    addIntegerRanges(schema);
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate(value) as boolean;
}

/** A schema's branches: its anyOf/oneOf, or itself. */
export function branches(schema: JsonSchema): JsonSchema[] {
  return schema.anyOf ?? schema.oneOf ?? [schema];
}

/** Whether a schema (or one of its branches) takes numbers. */
export function numericBranch(schema: JsonSchema): JsonSchema | undefined {
  return branches(schema).find((s) => s.type === 'integer' || s.type === 'number');
}

const WORDS = ['corpus', 'corpus@example.com', 'Corpus', 'https://example.com/corpus.csv'];
const EXAMPLE_UUID = '4b1d0c5e-0000-4000-8000-00000000c0de';

/** A value that passes `schema`: its first example, else as plain as it can be (required properties only). */
export function exampleOf(schema: JsonSchema): unknown {
  if (schema.examples?.length) return schema.examples[0];
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf || schema.oneOf) return exampleOf(numericBranch(schema) ?? branches(schema)[0]!);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      if (schema.format === 'uuid') return EXAMPLE_UUID;
      if (schema.format === 'integer' || schema.format === 'numeric') return '1';
      const candidates = WORDS.map((word) => word.padEnd(schema.minLength ?? 0, 'x'));
      const found = candidates.find((word) => accepts(schema, word));
      if (found === undefined) throw new Error(`no example for the string schema ${JSON.stringify(schema)}`);
      return found;
    }
    case 'integer':
    case 'number': {
      const found = [1, schema.minimum, schema.maximum, schema.exclusiveMinimum + 1, schema.exclusiveMaximum - 1].find((n) => Number.isFinite(n) && accepts(schema, n));
      if (found === undefined) throw new Error(`no example for the number schema ${JSON.stringify(schema)}`);
      return found;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 0) }, () => exampleOf(schema.items ?? {}));
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((key: string) => [key, exampleOf(schema.properties[key])]));
    default:
      return 'corpus';
  }
}

/** A field of a body: where it is, its schema, and a valid body holding everything above it. */
export interface Slot {
  path: FieldPath;
  schema: JsonSchema;
  required: boolean;
  /** A valid body whose every object and array above this field exists. */
  base: unknown;
}

/** A copy of `body` with `value` at `path` (or without what is at `path`, for `undefined`). */
export function withValue(body: unknown, path: FieldPath, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** The field's name as a message would give it: the last property name on its path. */
export function fieldName(path: FieldPath): string {
  return String([...path].reverse().find((key) => typeof key === 'string') ?? path[0]);
}

/** A name for a record's key that no schema has. */
const RECORD_KEY = 'corpus_key';

/**
 * Every field of an object schema, nested ones included: properties, an
 * array's first item, a record's one key, and each object branch of a union.
 */
export function* slotsOf(schema: JsonSchema, base: unknown, path: FieldPath = []): Generator<Slot> {
  for (const branch of branches(schema)) {
    if (branch.type !== 'object' && branch.type !== 'array') continue;
    // A union's object branch: its fields are spoiled inside a body holding that branch.
    const here = branch === schema || path.length === 0 ? base : withValue(base, path, exampleOf(branch));
    if (branch.type === 'object') {
      const required = new Set<string>(branch.required ?? []);
      const children: [string, JsonSchema, boolean][] = Object.entries(branch.properties ?? {}).map(([key, s]) => [key, s as JsonSchema, required.has(key)]);
      const record = branch.patternProperties ? Object.values(branch.patternProperties)[0] as JsonSchema : undefined;
      if (record) children.push([RECORD_KEY, record, false]);
      for (const [key, child, isRequired] of children) {
        const childPath = [...path, key];
        yield { path: childPath, schema: child, required: isRequired, base: here };
        yield* slotsOf(child, withValue(here, childPath, exampleOf(child)), childPath);
      }
    } else if (branch.type === 'array' && branch.items) {
      const itemPath = [...path, 0];
      const holding = withValue(here, path, [exampleOf(branch.items)]);
      yield { path: itemPath, schema: branch.items, required: true, base: holding };
      yield* slotsOf(branch.items, holding, itemPath);
    }
  }
}
