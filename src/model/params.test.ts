import { describe, expect, test } from 'bun:test';
import { decodeParams, encodeParams, ParamsError } from './params.ts';
import type { Params } from './model.ts';

function bitsOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

describe('params format', () => {
  test('every typed array kind round-trips bit for bit, NaN payloads and -0 included', () => {
    const nanPayload = new Float32Array(new Uint32Array([0x7fc00001, 0xffa00000]).buffer);
    const nan64 = new Float64Array(new BigUint64Array([0x7ff8000000000abcn]).buffer);
    const params: Params = {
      f32: new Float32Array([1.5, -0, Infinity, -Infinity, 1e-45, ...nanPayload]),
      f64: new Float64Array([Math.PI, -0, Number.MIN_VALUE, ...nan64]),
      i8: new Int8Array([-128, 127, 0]),
      i16: new Int16Array([-32768, 32767]),
      i32: new Int32Array([-2147483648, 2147483647]),
      u8: new Uint8Array([0, 255, 7]),
      u16: new Uint16Array([65535]),
      u32: new Uint32Array([4294967295, 1]),
      empty: new Float32Array(0),
    };
    const back = decodeParams(encodeParams(params));
    expect(Object.keys(back)).toEqual(Object.keys(params));
    for (const [name, value] of Object.entries(params)) {
      const decoded = back[name] as ArrayBufferView;
      expect(decoded.constructor).toBe((value as ArrayBufferView).constructor);
      expect(bitsOf(decoded)).toEqual(bitsOf(value as ArrayBufferView));
    }
  });

  test('arrays that are views into a larger buffer keep only their own elements', () => {
    const big = new Float64Array([9, 8, 7, 6, 5]);
    const back = decodeParams(encodeParams({ middle: big.subarray(1, 3), odd: new Uint8Array([1, 2, 3]), after: new Float64Array([4]) }));
    expect(back.middle).toEqual(new Float64Array([8, 7]));
    expect(back.odd).toEqual(new Uint8Array([1, 2, 3]));
    expect(back.after).toEqual(new Float64Array([4]));
  });

  test('typed arrays are stored binary and 8-byte aligned, not as JSON lists', () => {
    const weights = new Float32Array(1000).map((_, i) => i / 7);
    const bytes = encodeParams({ tag: 'x', weights, more: new Float64Array([1, 2]) });
    // As JSON, these 1000 floats alone would take about 19 KB.
    expect(bytes.length).toBeLessThan(4000 + 16 + 400);
    const headerLength = new DataView(bytes.buffer).getUint32(8, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
    const dataStart = Math.ceil((12 + headerLength) / 8) * 8;
    for (const entry of header.entries.filter((e: { type: string }) => e.type === 'typed')) {
      expect((dataStart + entry.offset) % 8).toBe(0);
    }
  });

  test('JSON values round-trip', () => {
    const params: Params = { classes: ['setosa', 'versicolor'], epochs: 3, scale: 0.125, on: true, none: null, nested: { a: [1, { b: 'c' }] }, 'odd name ✓': 'é' };
    expect(decodeParams(encodeParams(params))).toEqual(params);
  });

  test('values JSON cannot keep are refused with their path', () => {
    expect(() => encodeParams({ lr: NaN })).toThrow('params.lr is NaN');
    expect(() => encodeParams({ layers: [{ w: Infinity }] } as Params)).toThrow('params.layers[0].w is Infinity');
    expect(() => encodeParams({ layers: [new Float32Array(2)] } as unknown as Params)).toThrow('params.layers[0] is a typed array inside a JSON value');
    expect(() => encodeParams({ when: new Date() } as unknown as Params)).toThrow('params.when is not a JSON value (Date)');
    expect(() => encodeParams({ big: new BigInt64Array(1) } as unknown as Params)).toThrow(ParamsError);
  });

  test('damaged files are refused with a reason', () => {
    const good = encodeParams({ w: new Float32Array([1, 2, 3, 4]) });
    expect(() => decodeParams(new Uint8Array([1, 2, 3]))).toThrow('not a Rafiki parameters file');
    const future = good.slice();
    new DataView(future.buffer).setUint32(4, 2, true);
    expect(() => decodeParams(future)).toThrow('version 2 is not supported');
    expect(() => decodeParams(good.subarray(0, good.length - 4))).toThrow('entry "w" runs past its end');
    const badHeader = good.slice();
    badHeader[12] = 0x7b + 1;
    expect(() => decodeParams(badHeader)).toThrow('unreadable header');
  });
});
