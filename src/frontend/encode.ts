import type { OnnxInputSpec } from '../model/model.ts';
import { QueryError } from '../model/queries/errors.ts';
import { imageQueriesToTensor } from '../model/queries/image.ts';
import { queriesToTabularTensor } from '../model/queries/tabular.ts';

type ImageSpec = Extract<OnnxInputSpec, { kind: 'image' }>;

/**
 * Queries → the FP32 input rows of an ONNX trial, one `[features]` or `[H·W·C]`
 * slice per query. Images already of the model's size are copied directly (on
 * the request path this is most of the encoding's cost); any other image goes
 * through the SDK's `imageQueriesToTensor`, which resizes it or says what is
 * wrong with it, as training did.
 *
 * @example
 * const rows = encodeQueries({ kind: 'image', height: 28, width: 28, channels: 1 }, [digit]);
 */
export function encodeQueries(input: OnnxInputSpec, queries: unknown[]): Float32Array[] {
  const size = rowSize(input);
  if (input.kind === 'tabular') return rowsOf(queriesToTabularTensor(input, queries), queries.length, size);
  const data = new Float32Array(queries.length * size);
  queries.forEach((query, q) => {
    if (copyExact(query, input, data, q * size)) return;
    try {
      data.set(imageQueriesToTensor([query], input), q * size);
    } catch (err) {
      if (err instanceof QueryError) throw new QueryError(q, err.message.replace(/^query 0: /, ''));
      throw err;
    }
  });
  return rowsOf(data, queries.length, size);
}

/** One encoded query's dimensions: `[columns]` for tabular inputs, `[H, W, C]` for images. */
export function queryDims(input: OnnxInputSpec): number[] {
  return input.kind === 'tabular' ? [input.columns.length] : [input.height, input.width, input.channels];
}

/** How many FP32 values one encoded query has. */
export function rowSize(input: OnnxInputSpec): number {
  return queryDims(input).reduce((a, b) => a * b, 1);
}

/**
 * Each row as an array of its own: a `subarray` view would make the engine move
 * the whole tensor out of its young-generation storage, which under load cost
 * more than the copy.
 */
function rowsOf(data: Float32Array, count: number, size: number): Float32Array[] {
  if (count === 1) return [data];
  return Array.from({ length: count }, (_, q) => data.slice(q * size, (q + 1) * size));
}

/** Copies an image of exactly the model's height, width and channels; false when it is not one. */
function copyExact(query: unknown, { height, width, channels }: ImageSpec, out: Float32Array, offset: number): boolean {
  if (!Array.isArray(query) || query.length !== height) return false;
  let i = offset;
  for (let y = 0; y < height; y++) {
    const row: unknown = query[y];
    if (!Array.isArray(row) || row.length !== width) return false;
    for (let x = 0; x < width; x++) {
      const pixel: unknown = row[x];
      if (channels === 1 && typeof pixel === 'number') {
        if (!(pixel >= 0 && pixel <= 255)) return false;
        out[i++] = pixel;
        continue;
      }
      if (!Array.isArray(pixel) || pixel.length !== channels) return false;
      for (let c = 0; c < channels; c++) {
        const v: unknown = pixel[c];
        if (typeof v !== 'number' || !(v >= 0 && v <= 255)) return false;
        out[i++] = v;
      }
    }
  }
  return true;
}
