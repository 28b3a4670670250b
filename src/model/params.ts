/**
 * The binary format of a trained template's parameters, so that typed arrays stay
 * binary (no JSON lists of floats) and come back bit for bit.
 *
 * Layout (all integers little-endian):
 *
 * ```
 * offset 0   4 bytes  magic "RFKP"
 * offset 4   u32      format version (1)
 * offset 8   u32      header length H in bytes
 * offset 12  H bytes  header: UTF-8 JSON {"entries": [...]}, in the order of the params' keys
 *            zero bytes up to a multiple of 8
 * then       the data section: each typed array's raw bytes at a multiple of 8 from the
 *            start of the file, zero bytes between them
 * ```
 *
 * A header entry is `{"name", "type": "json", "value"}` for a JSON value, or
 * `{"name", "type": "typed", "dtype", "offset", "length"}` for a typed array, where
 * `dtype` is one of float32, float64, int8, int16, int32, uint8, uint16, uint32,
 * `offset` is the byte offset from the start of the data section and `length` counts
 * elements.
 * JSON values go through JSON: their numbers must be finite (-0 comes back as 0), and
 * typed arrays may only be top-level values.
 */
import type { JsonValue, Params, ParamValue, TypedArray } from './model.ts';

const MAGIC = 'RFKP';
export const PARAMS_FORMAT_VERSION = 1;
const PREAMBLE_BYTES = 12;
const ALIGN = 8;

const DTYPES = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
} as const;
type Dtype = keyof typeof DTYPES;

type Entry =
  | { name: string; type: 'json'; value: JsonValue }
  | { name: string; type: 'typed'; dtype: Dtype; offset: number; length: number };

/** A parameters file that cannot be read, or parameters that cannot be written. */
export class ParamsError extends Error {
  override readonly name = 'ParamsError';
}

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new ParamsError('the params format is little-endian and this machine is not');
}

/**
 * Parameters → bytes in the format above.
 *
 * @example
 * const bytes = encodeParams({ weights: new Float32Array([0.5, -1]), classes: ['a', 'b'] });
 */
export function encodeParams(params: Params): Uint8Array {
  const entries: Entry[] = [];
  const blobs: { offset: number; bytes: Uint8Array }[] = [];
  let dataBytes = 0;
  for (const [name, value] of Object.entries(params)) {
    const dtype = dtypeOf(value);
    if (dtype) {
      const array = value as TypedArray;
      entries.push({ name, type: 'typed', dtype, offset: dataBytes, length: array.length });
      blobs.push({ offset: dataBytes, bytes: new Uint8Array(array.buffer, array.byteOffset, array.byteLength) });
      dataBytes = alignUp(dataBytes + array.byteLength);
    } else {
      checkJson(value, `params.${name}`);
      entries.push({ name, type: 'json', value: value as JsonValue });
    }
  }
  const header = new TextEncoder().encode(JSON.stringify({ entries }));
  const dataStart = alignUp(PREAMBLE_BYTES + header.length);
  const out = new Uint8Array(dataStart + dataBytes);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(4, PARAMS_FORMAT_VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, PREAMBLE_BYTES);
  for (const blob of blobs) out.set(blob.bytes, dataStart + blob.offset);
  return out;
}

/**
 * Bytes written by `encodeParams` → the same parameters; typed arrays own fresh memory.
 *
 * @example
 * const params = decodeParams(await Bun.file('trial.params').bytes());
 */
export function decodeParams(bytes: Uint8Array): Params {
  if (bytes.length < PREAMBLE_BYTES || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new ParamsError('not a Rafiki parameters file (no "RFKP" magic at its start)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== PARAMS_FORMAT_VERSION) {
    throw new ParamsError(`parameters file version ${version} is not supported (this SDK reads version ${PARAMS_FORMAT_VERSION})`);
  }
  const headerLength = view.getUint32(8, true);
  if (PREAMBLE_BYTES + headerLength > bytes.length) throw new ParamsError('parameters file is truncated inside its header');
  let header: { entries?: unknown };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)));
  } catch (err) {
    throw new ParamsError(`parameters file has an unreadable header: ${(err as Error).message}`);
  }
  if (!Array.isArray(header.entries)) throw new ParamsError('parameters file header has no entries list');

  const dataStart = alignUp(PREAMBLE_BYTES + headerLength);
  const params: Params = {};
  for (const entry of header.entries as Entry[]) {
    if (entry.type === 'json') {
      params[entry.name] = entry.value;
    } else if (entry.type === 'typed' && entry.dtype in DTYPES) {
      const Ctor = DTYPES[entry.dtype];
      const start = dataStart + entry.offset;
      const end = start + entry.length * Ctor.BYTES_PER_ELEMENT;
      if (!Number.isSafeInteger(entry.offset) || entry.offset < 0 || !Number.isSafeInteger(entry.length) || end > bytes.length) {
        throw new ParamsError(`parameters file is truncated: entry "${entry.name}" runs past its end`);
      }
      // A copy, so that the array is aligned and does not keep the whole file alive.
      const copy = bytes.slice(start, end);
      params[entry.name] = new Ctor(copy.buffer, 0, entry.length);
    } else {
      throw new ParamsError(`parameters file has an entry of unknown type: ${JSON.stringify(entry).slice(0, 100)}`);
    }
  }
  return params;
}

function dtypeOf(value: ParamValue): Dtype | null {
  if (!ArrayBuffer.isView(value)) return null;
  for (const [dtype, Ctor] of Object.entries(DTYPES)) {
    if (value instanceof Ctor) return dtype as Dtype;
  }
  throw new ParamsError(`a parameter is a ${value.constructor.name}, which the params format does not keep`);
}

function checkJson(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ParamsError(`${path} is ${value}, which JSON cannot keep; use a Float64Array`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(item, `${path}[${i}]`));
    return;
  }
  if (ArrayBuffer.isView(value)) {
    throw new ParamsError(`${path} is a typed array inside a JSON value; give it its own top-level name`);
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) checkJson(item, `${path}.${key}`);
    return;
  }
  throw new ParamsError(`${path} is not a JSON value (${typeof value === 'object' ? value.constructor?.name : typeof value})`);
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
