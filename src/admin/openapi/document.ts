/**
 * The Admin's OpenAPI document: what @elysiajs/openapi derives from the routes'
 * schemas, completed where it cannot know. The Admin parses JSON bodies with
 * its own hook (json-body.ts: size cap, depth limit, clear 400s), and the
 * plugin lists no media type for a body read by a function, so each JSON body
 * is declared here from the route's own TypeBox schema; uploads, which the
 * routes stream themselves, get their multipart form from operations.ts. Every
 * operation gets its error responses (those its schemas and guard imply, and
 * those its handler throws), its security, and an example.
 */
import { toOpenAPISchema } from '@elysiajs/openapi';
import type { AnyElysia } from 'elysia';
import type { ErrorCode } from '../../common/errors.ts';
import {
  asJsonSchema2020, errorResponses, OPENAPI_VERSION, plainSchema, sharedComponents, type JsonSchema, type OpenApiDocument, type OperationObject,
} from '../../common/openapi.ts';
import { OPERATIONS, type OperationDoc } from './operations.ts';

interface RouteHooks {
  body?: unknown;
  params?: unknown;
  query?: unknown;
  detail?: { security?: unknown[] };
}

/** Every route of the app that `app` is mounted in: protected in Elysia's types, and read so by its openapi plugin too. */
export const globalRoutes = (app: AnyElysia) =>
  (app as unknown as { getGlobalRoutes(): { method: string; path: string; hooks: unknown }[] }).getGlobalRoutes();

/** `/models/:id` → `/models/{id}`, the key of OPERATIONS and of the document's paths. */
export const openApiPath = (path: string) => path.replace(/:([^/]+)/g, '{$1}');

/** What `GET /users` is named by in OPERATIONS. */
export const operationKey = (method: string, path: string) => `${method.toUpperCase()} ${openApiPath(path)}`;

function formSchema(form: NonNullable<OperationDoc['form']>): JsonSchema {
  const fields = plainSchema(form.fields) as { properties: Record<string, unknown>; required?: string[] };
  const files = Object.fromEntries(Object.entries(form.files).map(([name, description]) => [name, { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream', description }]));
  return {
    type: 'object',
    properties: { ...fields.properties, ...files },
    required: [...(fields.required ?? []), ...form.requiredFiles],
    additionalProperties: false,
  };
}

function complete(operation: OperationObject, hooks: RouteHooks, doc: OperationDoc | undefined): void {
  if (doc) operation.operationId = doc.id;
  const errors: ErrorCode[] = ['INTERNAL', ...(doc?.errors ?? [])];
  if (hooks.detail?.security) errors.push('UNAUTHORIZED', 'FORBIDDEN');
  if (hooks.params || hooks.query) errors.push('BAD_REQUEST');
  if (hooks.body) {
    errors.push('BAD_REQUEST', 'PAYLOAD_TOO_LARGE');
    operation.requestBody = { required: true, content: { 'application/json': { schema: plainSchema(hooks.body), example: doc?.request } } };
  } else if (doc?.form) {
    errors.push('BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE');
    operation.requestBody = { required: true, content: { 'multipart/form-data': { schema: formSchema(doc.form), example: doc.request } } };
  }
  const responses = operation.responses ?? {};
  if (doc?.answer) {
    responses['200'] = { description: doc.answer.description, content: { [doc.answer.mediaType]: { schema: plainSchema(doc.answer.schema) } } };
  }
  for (const media of Object.values(responses['200']?.content ?? {})) {
    if (doc) media.example = doc.response;
  }
  operation.responses = { ...responses, ...errorResponses(errors) };
  const roles = operation['x-roles'];
  if (roles) operation.description = [operation.description, `Roles: ${roles.join(', ')}.`].filter(Boolean).join('\n\n');
}

/**
 * The document of every route of `app` that is not hidden.
 *
 * @example
 * adminDocument(app, { title: 'Rafiki Admin', version: '0.1.0', description: '…' }).paths['/users'].post.requestBody;
 */
export function adminDocument(app: AnyElysia, info: OpenApiDocument['info']): OpenApiDocument {
  const derived = toOpenAPISchema(app) as unknown as Pick<OpenApiDocument, 'paths'> & { components: { schemas: Record<string, unknown> } };
  for (const route of globalRoutes(app)) {
    const operation = derived.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
    if (operation) complete(operation, route.hooks as RouteHooks, OPERATIONS[operationKey(route.method, route.path)]);
  }
  const shared = sharedComponents();
  return asJsonSchema2020({
    openapi: OPENAPI_VERSION,
    info,
    paths: derived.paths,
    components: { ...shared, schemas: { ...derived.components.schemas, ...shared.schemas } },
  });
}
