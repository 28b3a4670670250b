/**
 * A service's routes as the corpus reads them: from an OpenAPI document, with
 * the valid files of each upload, which a document cannot hold.
 */
import type { JsonSchema } from './schemas.ts';

export interface Param {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}

export interface Body {
  encoding: 'json' | 'multipart';
  /** The JSON body's schema, or the multipart form's text fields'. */
  schema: JsonSchema;
  /** Multipart only: each file field, with the bytes of a valid file for it. */
  files?: Record<string, Uint8Array>;
  /** Values for fields where the schema's plainest example would not do (a class the template exports). */
  examples?: Record<string, unknown>;
}

export interface Operation {
  method: string;
  /** OpenAPI's template: `/models/{id}`. */
  path: string;
  params: Param[];
  body?: Body;
}

export const operationName = (op: Pick<Operation, 'method' | 'path'>) => `${op.method} ${op.path}`;

/** A TypeBox schema as plain JSON Schema (its symbols dropped). */
export const plainSchema = (schema: unknown): JsonSchema => JSON.parse(JSON.stringify(schema));

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, unknown>;
}

/** As much of an OpenAPI document as the corpus reads. */
export interface OpenApiPaths { paths: Record<string, Record<string, OpenApiOperation>> }

/** What an upload's document cannot hold: a valid file for each file field, and values where the plainest example would not do. */
export type Upload = Pick<Body, 'files' | 'examples'>;

/** A form's text fields: its schema without the file fields (`format: binary`), which the corpus sends from `files`. */
function textFields(form: JsonSchema): JsonSchema {
  const properties = Object.entries((form.properties ?? {}) as Record<string, JsonSchema>);
  const files = new Set(properties.filter(([, p]) => p.format === 'binary').map(([name]) => name));
  return {
    ...form,
    properties: Object.fromEntries(properties.filter(([name]) => !files.has(name))),
    required: ((form.required ?? []) as string[]).filter((name) => !files.has(name)),
  };
}

/**
 * Every operation of `document`, with its body schema (JSON, or a form's text
 * fields) from the document. A multipart upload takes its files from
 * `uploads` under its name ("POST /models"); a body without a schema, an
 * upload without files, and files for a route that takes none are errors, so
 * that neither the document nor `uploads` goes stale unseen.
 */
export function operationsOf(document: OpenApiPaths, uploads: Record<string, Upload>): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, spec] of Object.entries(methods)) {
      const op: Operation = {
        method: method.toUpperCase(),
        path,
        params: (spec.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query').map((p) => ({
          name: p.name, in: p.in as Param['in'], required: p.required ?? p.in === 'path', schema: p.schema ?? {},
        })),
      };
      const content = spec.requestBody?.content ?? {};
      const json = content['application/json']?.schema;
      const form = content['multipart/form-data']?.schema;
      const upload = uploads[operationName(op)];
      if (json) op.body = { encoding: 'json', schema: json };
      else if (form && upload) op.body = { encoding: 'multipart', schema: textFields(form), ...upload };
      else if (form) throw new Error(`${operationName(op)} takes an upload: give the corpus valid files for it`);
      else if (spec.requestBody) throw new Error(`${operationName(op)} declares a body without a schema`);
      if (upload && op.body?.encoding !== 'multipart') throw new Error(`files for ${operationName(op)}, which takes no upload`);
      operations.push(op);
    }
  }
  const names = new Set(operations.map(operationName));
  const stale = Object.keys(uploads).filter((name) => !names.has(name));
  if (stale.length > 0) throw new Error(`files for routes the document lacks: ${stale.join(', ')}`);
  return operations;
}
