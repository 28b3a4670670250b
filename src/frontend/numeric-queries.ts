import { FLOAT32_LIMIT } from '../model/datasets/tabular-encode.ts';
import type { OnnxInputSpec } from '../model/model.ts';

/** What `readNumericQueries` read: one FP32 row per query, in the model's input layout. */
export interface NumericQueries {
  rows: Float32Array[];
  /** `{"query": q}` rather than `{"queries": [...]}`. */
  single: boolean;
  /** `deadline_ms` as written, not yet checked. */
  deadlineMs?: number;
}

/**
 * The fast path of `POST /predict` for ONNX trials: reads a body
 * `{"query": q}` or `{"queries": [q, …]}` (with `deadline_ms` or not, keys in
 * any order) whose queries are plain numeric arrays of exactly the model's
 * input shape — an image of H×W (one channel) or H×W×C pixels 0–255, or a
 * tabular row of numbers when no column is categorical — straight from the
 * bytes into FP32 rows. `JSON.parse`, then building the rows, is half of what
 * the frontend's own code costs per request, and the JS arrays it makes are
 * most of its garbage.
 *
 * Answers null for every other body, valid or not (other keys, strings,
 * objects, other shapes, values out of range, repeated keys, anything
 * malformed): the general path then parses it and gives the answer or the
 * 400 that says what is wrong, so this path decides nothing on its own. The
 * numbers are the doubles `JSON.parse` gives (Clinger's exact fast path, else
 * `Number` on the digits), checked and rounded to FP32 as the general path does.
 *
 * @example
 * const read = readNumericQueries(Buffer.from('{"query": [5.1, 3.5, 1.4, 0.2]}'), irisInput);
 * read?.rows[0]; // Float32Array [5.1, 3.5, 1.4, 0.2]
 */
export function readNumericQueries(body: Uint8Array, input: OnnxInputSpec): NumericQueries | null {
  const shape = queryShape(input);
  if (shape === null) return null;
  // Pixels are 0–255; tabular values any number float32 holds (1e400 is Infinity to JSON.parse).
  const reader = input.kind === 'image' ? new Reader(body, shape, 0, 255) : new Reader(body, shape, -FLOAT32_LIMIT, FLOAT32_LIMIT);
  try {
    return reader.body();
  } catch (err) {
    if (err === GIVE_UP) return null;
    throw err;
  }
}

/** One query's array shape on this path, or null when the input's queries never take it. */
function queryShape(input: OnnxInputSpec): number[] | null {
  if (input.kind === 'image') return input.channels === 1 ? [input.height, input.width] : [input.height, input.width, input.channels];
  return input.columns.every((column) => column.categories === null) ? [input.columns.length] : null;
}

/** Thrown inside the reader to leave the body to the general path; never escapes it. */
const GIVE_UP = Symbol('give up');

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Decimal mantissas of up to 15 digits are below 2^53, so exact doubles. */
const EXACT_DIGITS = 15;

const SPACE = 0x20, TAB = 0x09, LF = 0x0a, CR = 0x0d, COMMA = 0x2c, COLON = 0x3a;
const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d, PLUS = 0x2b, DOT = 0x2e, ZERO = 0x30, ONE = 0x31, NINE = 0x39, LOWER_E = 0x65, UPPER_E = 0x45;

const KEYS = ['query', 'queries', 'deadline_ms'] as const;
type Key = (typeof KEYS)[number];
const KEY_BYTES = KEYS.map((key) => Buffer.from(`"${key}"`));

class Reader {
  private i = 0;
  private readonly size: number;
  /** Per depth of the query being read, how many elements its open array has had. */
  private readonly counts: Int32Array;

  constructor(private readonly bytes: Uint8Array, private readonly shape: number[], private readonly min: number, private readonly max: number) {
    this.size = shape.reduce((a, b) => a * b, 1);
    this.counts = new Int32Array(shape.length);
  }

  body(): NumericQueries {
    const seen = new Set<Key>();
    let rows: Float32Array[] | null = null;
    let single = false;
    let deadlineMs: number | undefined;
    this.expect(OPEN_BRACE);
    do {
      const key = this.key();
      if (seen.has(key)) throw GIVE_UP;
      seen.add(key);
      this.expect(COLON);
      if (key === 'deadline_ms') {
        this.skipSpace();
        deadlineMs = this.number();
      } else {
        if (rows !== null) throw GIVE_UP;
        single = key === 'query';
        rows = single ? [this.query()] : this.queries();
      }
    } while (this.separator(CLOSE_BRACE));
    this.skipSpace();
    if (rows === null || this.i !== this.bytes.length) throw GIVE_UP;
    return deadlineMs === undefined ? { rows, single } : { rows, single, deadlineMs };
  }

  private key(): Key {
    this.skipSpace();
    for (let k = 0; k < KEY_BYTES.length; k++) {
      const expected = KEY_BYTES[k]!;
      let j = 0;
      while (j < expected.length && this.bytes[this.i + j] === expected[j]) j++;
      if (j === expected.length) {
        this.i += j;
        return KEYS[k]!;
      }
    }
    throw GIVE_UP;
  }

  private queries(): Float32Array[] {
    const rows: Float32Array[] = [];
    this.expect(OPEN_BRACKET);
    do rows.push(this.query());
    while (this.separator(CLOSE_BRACKET));
    return rows;
  }

  /**
   * One query: nested arrays of exactly `shape`, row-major into a new row. The
   * cursor lives in a local here, and plain decimals are read inline: this
   * loop is the whole cost of an image query.
   */
  private query(): Float32Array {
    const { bytes, shape, counts, min, max } = this;
    const row = new Float32Array(this.size);
    const last = shape.length - 1;
    let i = this.i;
    let n = 0;
    let depth = -1;
    for (;;) {
      let c = bytes[i];
      while (c === SPACE || c === LF || c === CR || c === TAB) c = bytes[++i];
      if (c === OPEN_BRACKET) {
        if (depth === last) throw GIVE_UP;
        if (depth >= 0) counts[depth]!++;
        counts[++depth] = 0;
        i++;
        continue;
      }
      if (depth !== last) throw GIVE_UP;
      let value = 0;
      let digits = 0;
      while (c !== undefined && c >= ZERO && c <= NINE) {
        value = value * 10 + (c - ZERO);
        digits++;
        c = bytes[++i];
      }
      // Anything but a plain non-negative integer: the full reader, from the number's start.
      if (digits === 0 || digits > EXACT_DIGITS || c === DOT || c === LOWER_E || c === UPPER_E || (digits > 1 && bytes[i - digits] === ZERO)) {
        this.i = i - digits;
        value = this.number();
        i = this.i;
        c = bytes[i];
      }
      if (!(value >= min && value <= max) || n === row.length) throw GIVE_UP;
      row[n++] = value;
      counts[depth]!++;
      // Close the arrays that end here, each of the length the shape says.
      for (;;) {
        while (c === SPACE || c === LF || c === CR || c === TAB) c = bytes[++i];
        i++;
        if (c === COMMA) break;
        if (c !== CLOSE_BRACKET || counts[depth] !== shape[depth]) throw GIVE_UP;
        if (--depth < 0) {
          if (n !== row.length) throw GIVE_UP;
          this.i = i;
          return row;
        }
        c = bytes[i];
      }
      if (counts[depth] === shape[depth]) throw GIVE_UP;
    }
  }

  /** A JSON number at the cursor, as the double JSON.parse gives. */
  private number(): number {
    const bytes = this.bytes;
    const start = this.i;
    let c = bytes[this.i];
    const negative = c === MINUS;
    if (negative) c = bytes[++this.i];
    let mantissa = 0;
    let digits = 0;
    if (c === ZERO) {
      c = bytes[++this.i];
    } else if (c !== undefined && c >= ONE && c <= NINE) {
      do {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        c = bytes[++this.i];
      } while (c !== undefined && c >= ZERO && c <= NINE);
    } else {
      throw GIVE_UP;
    }
    let exponent = 0;
    if (c === DOT) {
      c = bytes[++this.i];
      if (c === undefined || c < ZERO || c > NINE) throw GIVE_UP;
      do {
        mantissa = mantissa * 10 + (c - ZERO);
        if (mantissa > 0) digits++;
        exponent--;
        c = bytes[++this.i];
      } while (c !== undefined && c >= ZERO && c <= NINE);
    }
    if (c === LOWER_E || c === UPPER_E) {
      c = bytes[++this.i];
      let sign = 1;
      if (c === MINUS || c === PLUS) {
        sign = c === MINUS ? -1 : 1;
        c = bytes[++this.i];
      }
      if (c === undefined || c < ZERO || c > NINE) throw GIVE_UP;
      let written = 0;
      do {
        if (written < 1e6) written = written * 10 + (c - ZERO);
        c = bytes[++this.i];
      } while (c !== undefined && c >= ZERO && c <= NINE);
      exponent += sign * written;
    }
    if (digits > EXACT_DIGITS || exponent < -22 || exponent > 22) {
      return Number(Buffer.from(bytes.buffer, bytes.byteOffset + start, this.i - start).toString('latin1'));
    }
    const value = exponent >= 0 ? mantissa * POWERS_OF_TEN[exponent]! : mantissa / POWERS_OF_TEN[-exponent]!;
    return negative ? -value : value;
  }

  /** After an element: true at a comma (more follow), false at `close`; anything else gives up. */
  private separator(close: number): boolean {
    this.skipSpace();
    const c = this.bytes[this.i++];
    if (c === COMMA) return true;
    if (c === close) return false;
    throw GIVE_UP;
  }

  private expect(byte: number): void {
    this.skipSpace();
    if (this.bytes[this.i++] !== byte) throw GIVE_UP;
  }

  private skipSpace(): void {
    const bytes = this.bytes;
    let c = bytes[this.i];
    while (c === SPACE || c === LF || c === CR || c === TAB) c = bytes[++this.i];
  }
}
