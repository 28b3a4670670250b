/**
 * Building blocks that the Admin's and the query frontend's OpenAPI documents
 * share: the one error shape of errors.ts as a component, a response for each
 * error code, and the bearer-token scheme. Both documents are OpenAPI 3.1, whose
 * schemas are JSON Schema, so TypeBox schemas go in as they are.
 */
import { ERROR_STATUS, type ErrorCode } from './errors.ts';

export const OPENAPI_VERSION = '3.1.0';

/** A JSON Schema, as OpenAPI 3.1 takes it. */
export type JsonSchema = Record<string, unknown>;

export interface MediaType { schema?: unknown; example?: unknown }
export interface ResponseObject { description?: string; content?: Record<string, MediaType>; $ref?: string }
export interface OperationObject {
  summary?: string;
  description?: string;
  tags?: string[];
  operationId?: string;
  parameters?: { name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: unknown; description?: string }[];
  requestBody?: { content: Record<string, MediaType>; required?: boolean };
  responses?: Record<string, ResponseObject>;
  security?: Record<string, string[]>[];
  'x-roles'?: readonly string[];
}

/** As much of an OpenAPI 3.1 document as Rafiki's services write. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, OperationObject>>;
  components: Record<string, Record<string, unknown>>;
}

/** A TypeBox schema as plain JSON Schema: its symbol-keyed fields (Kind, Transform) dropped. */
export const plainSchema = (schema: unknown): JsonSchema => JSON.parse(JSON.stringify(schema)) as JsonSchema;

/**
 * `value` with TypeBox's tuples (draft-07: `items` as a list, `additionalItems`)
 * written as OpenAPI 3.1's JSON Schema 2020-12 reads them (`prefixItems`, `items: false`);
 * a 2020-12 validator refuses the old form.
 */
export function asJsonSchema2020<T>(value: T): T {
  if (Array.isArray(value)) return value.map(asJsonSchema2020) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) out[key] = asJsonSchema2020(field);
  if (Array.isArray(out.items)) {
    out.prefixItems = out.items;
    out.items = out.additionalItems ?? false;
    delete out.additionalItems;
  }
  return out as T;
}

const CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

const WHEN: Record<ErrorCode, string> = {
  BAD_REQUEST: 'A field is missing or invalid; the message names it and what was expected',
  UNAUTHORIZED: 'No bearer token, or one that is invalid, expired or of a banned user',
  FORBIDDEN: 'The caller may not do this (role or ownership)',
  NOT_FOUND: 'Nothing of the caller\'s by that name or id',
  METHOD_NOT_ALLOWED: 'The path takes other methods',
  CONFLICT: 'The resource is not in a state that allows this',
  PAYLOAD_TOO_LARGE: 'The request body is larger than the limit',
  UNSUPPORTED_MEDIA_TYPE: 'The body is not of the media type this route reads',
  TOO_MANY_REQUESTS: 'Too many attempts; Retry-After says when to try again',
  INTERNAL: 'An unexpected failure; the server log has the details',
  UNAVAILABLE: 'A service this needs is not answering or is stopping',
  TIMEOUT: 'The answer did not come in time',
};

const EXAMPLE_MESSAGE: Record<ErrorCode, string> = {
  BAD_REQUEST: "body: 'email' must be an email address",
  UNAUTHORIZED: 'missing bearer token: log in with POST /tokens and send "Authorization: Bearer <token>"',
  FORBIDDEN: 'this action needs one of the roles ADMIN, SUPERADMIN; you are MODEL_DEVELOPER',
  NOT_FOUND: 'no train job of app iris',
  METHOD_NOT_ALLOWED: '/predict takes POST, not GET',
  CONFLICT: 'app iris already has a running train job; stop it first',
  PAYLOAD_TOO_LARGE: 'the request body is larger than the limit of 1048576 bytes',
  UNSUPPORTED_MEDIA_TYPE: 'send the upload as multipart/form-data',
  TOO_MANY_REQUESTS: 'too many failed logins; try again in 30 s',
  INTERNAL: 'internal error; the server log has the details',
  UNAVAILABLE: 'the inference job is stopping; no new queries are taken',
  TIMEOUT: 'no answer within the deadline',
};

/** `{"error": {"code", "message"}}`: every error of every Rafiki service (errors.ts). */
export const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', enum: CODES }, message: { type: 'string' } },
    },
  },
};

/** The components every document carries: the error schema, one response per error code, the bearer scheme. */
export function sharedComponents() {
  return {
    schemas: { Error: ERROR_SCHEMA },
    responses: Object.fromEntries(CODES.map((code) => [code, {
      description: WHEN[code],
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, example: { error: { code, message: EXAMPLE_MESSAGE[code] } } } },
    }])),
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A token from the Admin\'s POST /tokens, sent as "Authorization: Bearer <token>"; valid for one hour.' },
    },
  };
}

/**
 * The error responses of an operation, by status, each a reference to its code's shared response.
 *
 * @example
 * errorResponses(['BAD_REQUEST', 'NOT_FOUND']); // → { '400': { $ref: '#/components/responses/BAD_REQUEST' }, '404': … }
 */
export function errorResponses(codes: Iterable<ErrorCode>): Record<string, { $ref: string }> {
  const sorted = [...new Set(codes)].sort((a, b) => ERROR_STATUS[a] - ERROR_STATUS[b]);
  return Object.fromEntries(sorted.map((code) => [String(ERROR_STATUS[code]), { $ref: `#/components/responses/${code}` }]));
}

/** What a route that checks tokens declares. */
export const BEARER = [{ bearer: [] as string[] }];
