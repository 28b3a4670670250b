/**
 * Postgres text (and jsonb) cannot hold the NUL character, so text that comes
 * from uploaded code or users on its way to the store has each NUL replaced by
 * U+FFFD, the replacement character, in every string of it.
 *
 * @example
 * withoutNul({ message: 'a\u0000b' });   // { message: 'a\uFFFDb' }
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value) as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  }
  return value;
}
