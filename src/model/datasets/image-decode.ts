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
 * The most pixels an image may have: 25 megapixels (100 MB as RGBA). A 1.5 MB
 * PNG can claim 20000×20000 pixels; its size is read from its header and
 * refused before anything is decoded.
 */
export const MAX_IMAGE_PIXELS = 25_000_000;

/** Width and height from a PNG's IHDR or a JPEG's first frame header, without decoding; null when not found. */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isPng(bytes)) return bytes.length >= 24 ? { width: view.getUint32(16), height: view.getUint32(20) } : null;
  if (!isJpeg(bytes)) return null;
  // Markers follow one another, each with its length, until a start-of-frame (SOF0–SOF15 but DHT, JPG and DAC).
  for (let at = 2; at + 9 < bytes.length;) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    at += 2 + view.getUint16(at + 2);
  }
  return null;
}

const isPng = (b: Uint8Array) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8;

/**
 * Decodes a PNG or JPEG, recognised by its content. Throws an Error saying why
 * when the bytes are neither, are damaged, or claim more than MAX_IMAGE_PIXELS.
 *
 * @example
 * const { height, width, channels } = decodeImage(await Bun.file('digit.png').bytes());
 */
export function decodeImage(bytes: Uint8Array): Pixels {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = imageSize(bytes);
  if (size && size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new Error(`it is ${size.width}×${size.height} pixels; at most ${MAX_IMAGE_PIXELS.toLocaleString('en')} pixels an image are accepted`);
  }
  let rgba: { width: number; height: number; data: Uint8Array };
  if (isPng(bytes)) {
    rgba = PNG.sync.read(buffer);
  } else if (isJpeg(bytes)) {
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
