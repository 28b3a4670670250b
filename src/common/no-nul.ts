/**
 * NUL characters refused in every string a request carries (path, query, JSON
 * body), with a 400 naming the field: Postgres text cannot hold them, and no
 * name, email or id of Rafiki's has a use for one.
 */
import { Elysia } from 'elysia';
import { badRequest } from './errors.ts';

/** The path (`body.name`, `query.task`) of the first string in `value` holding a NUL, or null. */
export function nulAt(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulAt(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = key.includes('\u0000') ? `${path} (a key)` : nulAt(inner, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

export const noNul = new Elysia({ name: 'rafiki.no-nul' }).onBeforeHandle({ as: 'global' }, ({ params, query, body }) => {
  const found = nulAt(params, 'path') ?? nulAt(query, 'query') ?? nulAt(body, 'body');
  if (found) throw badRequest(`${found} must not contain NUL characters (\\u0000)`);
});
