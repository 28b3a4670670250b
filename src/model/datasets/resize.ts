import type { ImageShape } from '../dataset.ts';

/** Pixels in HWC order with any number of channels; 2 and 4 carry an alpha channel last. */
export interface PixelSource {
  height: number;
  width: number;
  channels: number;
  data: ArrayLike<number>;
}

/**
 * Writes `image` resized to `shape` into `out` at `offset` (HWC), each value times
 * `scale`, adding to what is there (zeros, in a fresh array). Channels are converted first (grey → copies, colour → luminance, alpha
 * dropped); shrinking averages the covered area, enlarging is bilinear. The dataset
 * loader and the query encoder share this so that training and serving see the same
 * pixels.
 */
export function resizeInto(image: PixelSource, shape: ImageShape, out: Float32Array, offset: number, scale: number): void {
  const converted = toChannels(image, shape.channels);
  if (image.height === shape.height && image.width === shape.width) {
    for (let i = 0; i < converted.length; i++) out[offset + i]! += scale * converted[i]!;
    return;
  }
  const c = shape.channels;
  const cols = axisWeights(image.width, shape.width);
  const rows = axisWeights(image.height, shape.height);
  // Horizontal pass into image.height × shape.width, then the vertical one into `out`.
  const wide = new Float32Array(image.height * shape.width * c);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < shape.width; x++) {
      for (const [source, weight] of cols[x]!) {
        for (let k = 0; k < c; k++) wide[(y * shape.width + x) * c + k]! += weight * converted[(y * image.width + source) * c + k]!;
      }
    }
  }
  const rowLength = shape.width * c;
  for (let y = 0; y < shape.height; y++) {
    const target = offset + y * rowLength;
    for (const [source, weight] of rows[y]!) {
      const from = source * rowLength;
      for (let i = 0; i < rowLength; i++) out[target + i]! += weight * scale * wide[from + i]!;
    }
  }
}

function toChannels(image: PixelSource, channels: 1 | 3): Float32Array {
  const n = image.height * image.width;
  const colour = image.channels >= 3;
  const out = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    const p = i * image.channels;
    if (!colour) out.fill(image.data[p]!, i * channels, (i + 1) * channels);
    else if (channels === 3) for (let k = 0; k < 3; k++) out[i * 3 + k] = image.data[p + k]!;
    else out[i] = 0.299 * image.data[p]! + 0.587 * image.data[p + 1]! + 0.114 * image.data[p + 2]!;
  }
  return out;
}

/** For each output index, the input indices and weights that make it. */
function axisWeights(inSize: number, outSize: number): [number, number][][] {
  const ratio = inSize / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    if (ratio > 1) {
      const start = o * ratio;
      const end = start + ratio;
      const taps: [number, number][] = [];
      for (let i = Math.floor(start); i < Math.min(Math.ceil(end), inSize); i++) {
        taps.push([i, (Math.min(end, i + 1) - Math.max(start, i)) / ratio]);
      }
      return taps;
    }
    const x = Math.min(Math.max((o + 0.5) * ratio - 0.5, 0), inSize - 1);
    const i0 = Math.floor(x);
    const i1 = Math.min(i0 + 1, inSize - 1);
    const f = x - i0;
    return f === 0 || i0 === i1 ? [[i0, 1]] : [[i0, 1 - f], [i1, f]];
  });
}
