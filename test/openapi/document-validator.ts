/**
 * Checks an OpenAPI 3.1 document the way a generic tool reads it: valid against
 * the OpenAPI schema (@seriousme/openapi-schema-validator), and a validator of
 * requests and answers built from its own schemas with ajv, as a request
 * validator would build it.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';

export interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { responses?: Record<string, Response>; schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}
export interface Media { schema?: unknown; example?: unknown }
export interface Response { description?: string; content?: Record<string, Media>; $ref?: string }
export interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; schema: unknown }[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, Response>;
  security?: Record<string, string[]>[];
}

/**
 * The errors of the OpenAPI schema for `document`, none when it is valid; also
 * what the schema cannot say and client generators need: an operationId on every
 * operation, none twice.
 */
export async function openApiErrors(document: Document): Promise<unknown[]> {
  const result = await new Validator().validate(document as unknown as Parameters<Validator['validate']>[0]);
  if (!result.valid) return (result.errors as unknown[]) ?? ['invalid'];
  const ids = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => op.operationId ?? `${method} ${path} has no operationId`));
  return ids.filter((id, i) => id.includes(' has no ') || ids.indexOf(id) !== i).map((id) => `operationId: ${id}`);
}

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** A response object, its `$ref` to a shared response followed. */
export function resolveResponse(document: Document, response: Response): Response {
  if (!response.$ref) return response;
  return document.components.responses![response.$ref.replace('#/components/responses/', '')]!;
}

/**
 * Validators of an operation's request body and of its answers, by status,
 * for one media type, from the document's own schemas.
 *
 * @example
 * const v = documentValidator(doc); v.request('post', '/tokens')({ email: 'a@b', password: 'x' });
 */
export function documentValidator(document: Document) {
  // Documents carry their own words on fields (`expected`) and formats of their own (integers in text); neither is ajv's to know.
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('binary', true);
  const integerFormat = /^integer (-?[\d.e+]+|-?Infinity)\.\.(-?[\d.e+]+|Infinity)$/;
  for (const [, min, max] of JSON.stringify(document).matchAll(new RegExp(integerFormat.source.slice(1, -1), 'g'))) {
    ajv.addFormat(`integer ${min}..${max}`, (text: string) => /^-?\d{1,16}$/.test(text) && Number(text) >= Number(min) && Number(text) <= Number(max));
  }
  ajv.addSchema(document as object, 'doc');
  const compiled = (path: string): ValidateFunction => {
    const validate = ajv.getSchema(`doc#/${path}`);
    if (!validate) throw new Error(`no schema at ${path}`);
    return validate;
  };
  const operation = (method: string, path: string) => {
    const op = document.paths[path]?.[method];
    if (!op) throw new Error(`the document has no ${method.toUpperCase()} ${path}`);
    return op;
  };
  return {
    request(method: string, path: string, mediaType = 'application/json') {
      if (!operation(method, path).requestBody?.content[mediaType]?.schema) throw new Error(`${method} ${path} takes no ${mediaType} body`);
      return compiled(pointer('paths', path, method, 'requestBody', 'content', mediaType, 'schema'));
    },
    response(method: string, path: string, status: number, mediaType = 'application/json') {
      const response = operation(method, path).responses[String(status)];
      if (!response) throw new Error(`${method.toUpperCase()} ${path} does not document a ${status}`);
      if (response.$ref) return compiled(pointer('components', 'responses', response.$ref.replace('#/components/responses/', ''), 'content', mediaType, 'schema'));
      return compiled(pointer('paths', path, method, 'responses', String(status), 'content', mediaType, 'schema'));
    },
  };
}

/**
 * Every example of `document` that does not fit its own schema (JSON request bodies
 * and JSON answers), named by operation; a form's file fields are taken as present.
 */
export function exampleProblems(document: Document): { operation: string; where: string; errors: unknown }[] {
  const validator = documentValidator(document);
  const problems: { operation: string; where: string; errors: unknown }[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const operation = `${method.toUpperCase()} ${path}`;
      for (const [status, response] of Object.entries(op.responses)) {
        const media = resolveResponse(document, response).content?.['application/json'];
        if (response.$ref || media?.example === undefined) continue;
        const validate = validator.response(method, path, Number(status));
        if (!validate(media.example)) problems.push({ operation, where: status, errors: validate.errors });
      }
      for (const [type, body] of Object.entries(op.requestBody?.content ?? {})) {
        if (body.example === undefined) continue;
        const files = Object.entries((body.schema as { properties?: Record<string, { format?: string }> }).properties ?? {}).filter(([, p]) => p.format === 'binary');
        const example = type === 'multipart/form-data' ? { ...(body.example as object), ...Object.fromEntries(files.map(([name]) => [name, 'bytes'])) } : body.example;
        const validate = validator.request(method, path, type);
        if (!validate(example)) problems.push({ operation, where: `request ${type}`, errors: validate.errors });
      }
    }
  }
  return problems;
}
