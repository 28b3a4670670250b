import type { ImageShape } from '../dataset.ts';
import { checkShape } from '../datasets/images.ts';
import { resizeInto } from '../datasets/resize.ts';
import { QueryError } from './errors.ts';

/**
 * Image queries (H×W grey, or H×W×C with 1, 3 or 4 channels, pixel values 0–255)
 * → one FP32 tensor's data [N, height, width, channels] of pixel values 0–255,
 * each query resized and converted as the training images were. Divide by 255
 * for the 0–1 scale of `ImageDataset.images`.
 *
 * @example
 * const data = imageQueriesToTensor([digit], { height: 28, width: 28, channels: 1 });
 */
export function imageQueriesToTensor(queries: unknown[], shape: ImageShape): Float32Array {
  checkShape(shape);
  const size = shape.height * shape.width * shape.channels;
  const out = new Float32Array(queries.length * size);
  queries.forEach((query, q) => resizeInto(toPixels(query, q), shape, out, q * size, 1));
  return out;
}

function toPixels(query: unknown, q: number): { height: number; width: number; channels: number; data: Float32Array } {
  if (!Array.isArray(query) || query.length === 0 || !Array.isArray(query[0]) || query[0].length === 0) {
    throw new QueryError(q, 'an image must be a non-empty H×W or H×W×C array of pixel values 0–255');
  }
  const height = query.length;
  const width = (query[0] as unknown[]).length;
  const first = (query[0] as unknown[])[0];
  const channels = Array.isArray(first) ? first.length : 1;
  if (![1, 3, 4].includes(channels)) throw new QueryError(q, `a pixel must have 1, 3 or 4 channels, not ${channels}`);
  const data = new Float32Array(height * width * channels);
  for (let y = 0; y < height; y++) {
    const row = query[y] as unknown;
    if (!Array.isArray(row) || row.length !== width) {
      throw new QueryError(q, `row ${y} must be an array of ${width} pixels like row 0, so that the image is rectangular`);
    }
    for (let x = 0; x < width; x++) {
      const pixel: unknown = row[x];
      const values = Array.isArray(first) ? pixel : [pixel];
      if (!Array.isArray(values) || values.length !== channels) {
        throw new QueryError(q, `pixel (${y}, ${x}) must have ${channels} channel${channels === 1 ? '' : 's'} like pixel (0, 0)`);
      }
      for (let c = 0; c < channels; c++) {
        const v: unknown = values[c];
        if (typeof v !== 'number' || !(v >= 0 && v <= 255)) {
          throw new QueryError(q, `pixel (${y}, ${x}) has ${JSON.stringify(v)}; pixel values are numbers 0–255`);
        }
        data[(y * width + x) * channels + c] = v;
      }
    }
  }
  return { height, width, channels, data };
}
