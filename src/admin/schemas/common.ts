/** Building blocks of the wire schemas, derived from the domain's vocabularies. */
import { t } from 'elysia';

/** A schema accepting exactly the values of a domain list, e.g. `oneOf(USER_TYPES)`. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => t.UnionEnum(values);

export const ErrorSchema = t.Object({
  error: t.Object({ code: t.String(), message: t.String() }),
});

export const Uuid = t.String({ format: 'uuid' });
