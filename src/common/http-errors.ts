/**
 * Error handling shared by every Elysia service: each failure becomes
 * `{"error": {"code", "message"}}` with its status, a validation failure names the
 * field and what was expected, and an unexpected error is logged, never shown.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Elysia } from 'elysia';
import { codeForStatus, RafikiError, type ErrorBody, type ErrorCode } from './errors.ts';

interface SchemaLike {
  /** Our own schema keyword: how to name what the field expects, in a message. */
  expected?: string;
  type?: string;
  const?: unknown;
  anyOf?: SchemaLike[];
  enum?: unknown[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  properties?: Record<string, SchemaLike>;
}

interface ValueErrorLike {
  path: string;
  message: string;
  schema: SchemaLike;
  value?: unknown;
}

function fieldName(on: string, path: string): string {
  const field = path.replace(/^\//, '').replaceAll('/', '.');
  return field === '' ? on : field;
}

function expectedOf(schema: SchemaLike): string {
  if (schema.enum) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  const options = schema.anyOf ?? [];
  if (options.length > 0 && options.every((s) => s.const !== undefined)) {
    return `one of ${options.map((s) => JSON.stringify(s.const)).join(', ')}`;
  }
  // Elysia widens numeric fields to "number or numeric string"; report the number.
  const numeric = options.find((s) => s.type === 'integer' || s.type === 'number');
  const s = numeric ? { ...schema, ...numeric } : schema;
  // A schema's own words say all it expects, its bounds included.
  if (s.expected) return s.expected;
  const parts: string[] = [];
  if (s.format === 'email') parts.push('an email address');
  else if (s.type === 'integer') parts.push('an integer');
  else if (s.type === 'string') parts.push('a string');
  else if (s.type) parts.push(`${/^[aeiou]/.test(s.type) ? 'an' : 'a'} ${s.type}`);
  if (s.minLength !== undefined) parts.push(`of at least ${s.minLength} characters`);
  if (s.maxLength !== undefined) parts.push(`of at most ${s.maxLength} characters`);
  if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) parts.push(`≤ ${s.maximum}`);
  return parts.join(' ') || 'a valid value';
}

/**
 * For a union of objects told apart by a constant field (`"type": "asha"`),
 * the branch that the value names: its own error says which of its fields is
 * wrong, where the union's could only say that no branch fits.
 */
function namedBranch(schema: SchemaLike, value: unknown): SchemaLike | undefined {
  const options = schema.anyOf ?? [];
  if (options.length === 0 || typeof value !== 'object' || value === null) return undefined;
  const tags = Object.keys(options[0]!.properties ?? {}).filter((key) => options.every((o) => o.properties?.[key]?.const !== undefined));
  for (const tag of tags) {
    const branch = options.find((o) => o.properties![tag]!.const === (value as Record<string, unknown>)[tag]);
    if (branch) return branch;
  }
  return undefined;
}

/** One sentence naming the first invalid field and what it should be. */
export function describeValidation(on: string, errors: ValueErrorLike[]): string {
  const first = errors[0];
  if (!first) return `invalid ${on}`;
  // Elysia checks a path or query value that it converts (a number) on its own, as `property`, without its name.
  if (on === 'property') return `a value in the path or query must be ${expectedOf(first.schema)}, got ${JSON.stringify(first.value)}`;
  const field = fieldName(on, first.path);
  if (first.message.includes('required property')) return `${on}: '${field}' is required (${expectedOf(first.schema)})`;
  if (first.message.includes('Unexpected property')) return `${on}: '${field}' is not an accepted field`;
  if (first.message.includes('Expected object') && first.path === '') return `${on} must be a JSON object`;
  const branch = namedBranch(first.schema, first.value);
  const inner = branch && Value.Errors(branch as TSchema, first.value).First();
  if (inner) return describeValidation(on, [{ ...inner, schema: inner.schema as SchemaLike, path: `${first.path}${inner.path}` }]);
  // A path or query value is short text the caller may not see in their own code: say what arrived.
  const got = (on === 'params' || on === 'query') && typeof first.value === 'string' ? `, got ${JSON.stringify(first.value.length > 100 ? `${first.value.slice(0, 100)}…` : first.value)}` : '';
  return `${on}: '${field}' must be ${expectedOf(first.schema)}${got}`;
}

function body(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Use once per app: `new Elysia().use(httpErrors)`. */
export const httpErrors = new Elysia({ name: 'rafiki.http-errors' }).onError({ as: 'global' }, ({ code, error, set, request }) => {
  // Elysia wraps what a parser throws in a ParseError; the cause is the real answer.
  const cause = (error as { cause?: unknown }).cause;
  const known = error instanceof RafikiError ? error : cause instanceof RafikiError ? cause : undefined;
  if (known) {
    set.status = known.status;
    if (known.retryAfterSeconds !== undefined) set.headers['retry-after'] = String(Math.ceil(known.retryAfterSeconds));
    return known.toBody();
  }
  switch (code) {
    case 'VALIDATION': {
      set.status = 400;
      const all = (error.all ?? []) as unknown as ValueErrorLike[];
      return body('BAD_REQUEST', describeValidation(error.type, all));
    }
    case 'PARSE':
      set.status = 400;
      return body('BAD_REQUEST', 'the request body is not valid JSON or form data');
    case 'NOT_FOUND':
      set.status = 404;
      return body('NOT_FOUND', `no route for ${request.method} ${new URL(request.url).pathname}`);
    case 'INVALID_COOKIE_SIGNATURE':
    case 'INVALID_FILE_TYPE':
      set.status = 400;
      return body('BAD_REQUEST', error.message);
  }
  const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
  if (status < 500) {
    set.status = status;
    return body(codeForStatus(status), (error as Error).message);
  }
  console.error(`${request.method} ${new URL(request.url).pathname} failed:`, error);
  set.status = 500;
  return body('INTERNAL', 'internal error; the server log has the details');
});
