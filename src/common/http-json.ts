/**
 * Answers objects as `Content-Type: application/json`, without a charset parameter:
 * Rafiki 0.2.0's Python client compares the header with that exact string.
 */
import { Elysia } from 'elysia';

function isPlainJson(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !(value instanceof Response) && !ArrayBuffer.isView(value)
    && !(value instanceof ArrayBuffer) && !(value instanceof Blob) && !(value instanceof ReadableStream);
}

export const plainJson = new Elysia({ name: 'rafiki.plain-json' }).mapResponse({ as: 'global' }, ({ responseValue, set }) => {
  if (!isPlainJson(responseValue)) return;
  return new Response(JSON.stringify(responseValue), {
    status: typeof set.status === 'number' ? set.status : 200,
    headers: { ...(set.headers as Record<string, string>), 'content-type': 'application/json' },
  });
});
