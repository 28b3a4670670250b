/**
 * Integer fields of the Elysia services, taken as a JSON number or as digits
 * in text (path and query values are text). Elysia's own `t.Integer` takes any
 * text that `Number` reads ("0x1f", " 1", "1e3") and checks the bounds while
 * converting, where a failure no longer knows which field it was: its 400
 * said "a value in the path or query" even for a body field. Here text must be
 * plain digits within the bounds, checked with the rest of the schema, so that
 * a failure names the field.
 */
import { FormatRegistry, Type } from '@sinclair/typebox';
import { t } from 'elysia';

export interface IntegerOptions {
  minimum?: number;
  maximum?: number;
  /** How a 400 names what the field takes (src/common/http-errors.ts). */
  expected?: string;
}

const DIGITS = /^-?\d{1,16}$/;

/**
 * @example
 * t.Object({ app_version: integer({ minimum: -1, maximum: INT32_MAX, expected: 'an app version (-1 for the latest)' }) });
 */
export function integer(options: IntegerOptions = {}) {
  const { minimum = -Infinity, maximum = Infinity, expected } = options;
  const format = `integer ${minimum}..${maximum}`;
  if (!FormatRegistry.Has(format)) FormatRegistry.Set(format, (text) => DIGITS.test(text) && Number(text) >= minimum && Number(text) <= maximum);
  const words = expected === undefined ? {} : { expected };
  return t.Transform(t.Union([Type.Integer(options), Type.String({ format, ...words })], words))
    .Decode((value) => Number(value))
    .Encode((value) => value);
}
