/**
 * A service's routes as the corpus reads them: from an OpenAPI document, with
 * a stand-in body schema for each route whose document lacks one.
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
}

/**
 * Every operation of `document`. A route whose document has no body schema
 * takes the one `standIns` gives under its name ("POST /users"), and is listed
 * in `lacking`; a route whose document declares a body without a schema and
 * has no stand-in is an error, as is a stand-in for a route the document does
 * not have, so neither list goes stale unseen.
 */
export function operationsOf(document: { paths: Record<string, Record<string, OpenApiOperation>> }, standIns: Record<string, Body>): { operations: Operation[]; lacking: string[] } {
  const operations: Operation[] = [];
  const lacking: string[] = [];
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
      const standIn = standIns[operationName(op)];
      if (json) op.body = { encoding: 'json', schema: json };
      else if (form && standIn?.encoding === 'multipart') op.body = { ...standIn, schema: form };
      else if (standIn) {
        op.body = standIn;
        lacking.push(operationName(op));
      } else if (spec.requestBody) {
        throw new Error(`${operationName(op)} declares a body without a schema: give the corpus a stand-in for it`);
      }
      operations.push(op);
    }
  }
  const names = new Set(operations.map(operationName));
  const stale = Object.keys(standIns).filter((name) => !names.has(name));
  if (stale.length > 0) throw new Error(`stand-ins for routes the document lacks: ${stale.join(', ')}`);
  return { operations, lacking };
}
