import type { TabularColumn, TabularEncoding } from '../dataset.ts';
import { isMissing, parseNumber } from './values.ts';

/** A raw feature value, from a CSV cell or a query; null or undefined when missing. */
export type RawValue = number | string | boolean | null | undefined;

/** Writes one raw value into an encoded row; answers the problem when the value is unusable. */
export type ValueEncoder = (value: RawValue, row: Float32Array, offset: number) => string | null;

export interface ColumnEncoder {
  column: TabularColumn;
  /** Where the column's encoding starts within a row, and how many slots it takes. */
  offset: number;
  width: number;
  write: ValueEncoder;
}

/**
 * One encoder per column of `encoding`: standardised numbers (a missing one
 * becomes 0, the mean), one-hot categories (missing or unknown: all zeros).
 * The CSV loader and the query encoder share these so that both encode alike.
 */
export function columnEncoders(encoding: TabularEncoding): ColumnEncoder[] {
  let offset = 0;
  return encoding.columns.map((column) => {
    const encoder = column.kind === 'numeric' ? numericEncoder(column) : categoricalEncoder(column.categories);
    const entry = { column, offset, width: column.kind === 'numeric' ? 1 : column.categories.length, write: encoder };
    offset += entry.width;
    return entry;
  });
}

/**
 * The largest double that float32, which models compute in, rounds to a
 * finite value (its largest, 3.4028234663852886e38, and nearly half a step
 * more); past it a value becomes Infinity, and the model's answer NaN.
 */
export const FLOAT32_LIMIT = 2 ** 128 - 2 ** 103 - 2 ** 75;

/** The number a raw value stands for in a numeric column: null when missing, NaN when not a number float32 holds. */
export function numericValue(value: RawValue): number | null {
  if (value === null || value === undefined || (typeof value === 'string' && isMissing(value))) return null;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? parseNumber(value) : null;
  return number !== null && Math.abs(number) <= FLOAT32_LIMIT ? number : Number.NaN;
}

/** Why a value that `numericValue` reads as NaN cannot go into a numeric column. */
export function notNumeric(value: RawValue): string {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? parseNumber(value) : null;
  const shown = typeof value === 'number' ? String(value) : JSON.stringify(value);
  return number !== null && !Number.isNaN(number)
    ? `${shown} is beyond what float32 holds (±3.4e38), and this column is numeric`
    : `${shown} is not a number, and this column is numeric`;
}

/** The category text of a raw value: numbers as written by JavaScript, null when missing. */
export function categoryText(value: RawValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return isMissing(value) ? null : value.trim();
  return String(value);
}

function numericEncoder(column: Extract<TabularColumn, { kind: 'numeric' }>): ValueEncoder {
  return (value, row, offset) => {
    const number = numericValue(value);
    if (Number.isNaN(number)) return notNumeric(value);
    row[offset] = number === null ? 0 : (number - column.mean) / column.std;
    return null;
  };
}

function categoricalEncoder(categories: string[]): ValueEncoder {
  const index = new Map(categories.map((category, i) => [category, i]));
  return (value, row, offset) => {
    const text = categoryText(value);
    const i = text === null ? undefined : index.get(text);
    if (i !== undefined) row[offset + i] = 1;
    return null;
  };
}
