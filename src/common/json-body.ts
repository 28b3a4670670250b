/**
 * JSON bodies: refused with 413 over a limit before they are read, capped while
 * read when chunked (no Content-Length), and required to be objects, as every
 * Rafiki endpoint takes, nested at most MAX_JSON_DEPTH deep. Multipart uploads have their own, larger limits,
 * enforced by the routes that stream them; Elysia does not parse them at all.
 */
import { Elysia } from 'elysia';
import { RafikiError } from './errors.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts';

export const tooLarge = (limit: number) =>
  new RafikiError('PAYLOAD_TOO_LARGE', `the request body is larger than the limit of ${limit} bytes`);

const isMultipart = (request: Request) => (request.headers.get('content-type') ?? '').startsWith('multipart/form-data');

/** A request's body as text, refused with 413 once it passes `limit` bytes (before all of it is read). */
export async function readCapped(request: Request, limit: number): Promise<string> {
  if (!request.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(r.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const jsonBody = (limit: number) =>
  new Elysia({ name: 'rafiki.json-body', seed: limit })
    .onRequest(({ request }) => {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > limit && !isMultipart(request)) throw tooLarge(limit);
    })
    .onParse({ as: 'global' }, async ({ request, contentType }) => {
      // Multipart bodies stay unread: the upload routes stream them (src/admin/uploads).
      if (contentType.startsWith('multipart/form-data')) return {};
      if (!contentType.startsWith('application/json')) return;
      const text = await readCapped(request, limit);
      if (text.trim() === '') return {};
      if (nestsDeeperThan(text)) throw new RafikiError('BAD_REQUEST', `the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new RafikiError('BAD_REQUEST', 'the request body is not valid JSON');
      }
      // Checked here because schema defaults would otherwise turn `[]` into an object.
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new RafikiError('BAD_REQUEST', 'body must be a JSON object');
      }
      return value;
    });
