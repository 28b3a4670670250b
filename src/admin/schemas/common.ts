/** Building blocks of the wire schemas, derived from the domain's vocabularies. */
import { t } from 'elysia';

/** A schema accepting exactly the values of a domain list, e.g. `oneOf(USER_TYPES)`. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const schema = t.UnionEnum(values);
  // UnionEnum defaults to its first value, which Elysia would fill in for a missing field.
  delete (schema as { default?: unknown }).default;
  return schema;
}

export const ErrorSchema = t.Object({
  error: t.Object({ code: t.String(), message: t.String() }),
});

export const Uuid = t.String({ format: 'uuid' });

/** The largest integer Postgres's `integer` holds: the bound of every integer a request may carry into a query. */
export const INT32_MAX = 2 ** 31 - 1;
