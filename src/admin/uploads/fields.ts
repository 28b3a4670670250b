/** Validates the text fields of a multipart form against a schema, with the JSON routes' messages. */
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { nulAt } from '../../common/no-nul.ts';
import { badRequest } from '../../common/errors.ts';
import { describeValidation } from '../../common/http-errors.ts';

export function formValidator<S extends TSchema>(schema: S): (fields: Record<string, string>) => Static<S> {
  const compiled = TypeCompiler.Compile(schema);
  return (fields) => {
    const nul = nulAt(fields, 'form');
    if (nul) throw badRequest(`${nul} must not contain NUL characters (\\u0000)`);
    if (compiled.Check(fields)) return fields as Static<S>;
    throw badRequest(describeValidation('form', [...compiled.Errors(fields)] as never));
  };
}
