import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** Decoded pixels, row-major, channels interleaved (HWC), 0–255. */
export interface Pixels {
  height: number;
  width: number;
  /** 1 (grey) or 3 (RGB); alpha is dropped. */
  channels: 1 | 3;
  data: Uint8Array;
}

/**
 * Decodes a PNG or JPEG, recognised by its content. Throws an Error saying why
 * when the bytes are neither or are damaged.
 *
 * @example
 * const { height, width, channels } = decodeImage(await Bun.file('digit.png').bytes());
 */
export function decodeImage(bytes: Uint8Array): Pixels {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let rgba: { width: number; height: number; data: Uint8Array };
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    rgba = PNG.sync.read(buffer);
  } else if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    rgba = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxMemoryUsageInMB: 1024 });
  } else {
    throw new Error('not a PNG or JPEG image');
  }
  if (rgba.width === 0 || rgba.height === 0) throw new Error('the image has no pixels');
  return compact(rgba);
}

/** RGBA → grey when every pixel is grey, else RGB: images are kept in the fewest channels. */
function compact({ width, height, data }: { width: number; height: number; data: Uint8Array }): Pixels {
  const n = width * height;
  let grey = true;
  for (let p = 0; p < n * 4 && grey; p += 4) grey = data[p] === data[p + 1] && data[p] === data[p + 2];
  const channels = grey ? 1 : 3;
  const out = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) out[i * channels + c] = data[i * 4 + c]!;
  }
  return { height, width, channels, data: out };
}
