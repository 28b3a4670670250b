/**
 * Messages over a WebSocket in the structured-clone format, as Bun's advanced
 * IPC serialization carries them: typed arrays stay typed and binary.
 */
import { deserialize, serialize } from 'node:v8';

/** The largest frame either side accepts: a batch of images or a dataset's rows fits many times. */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export function encodeFrame(message: unknown): Uint8Array {
  // A copy: Bun's serializer writes into shared memory, which a WebSocket does not send.
  return new Uint8Array(serialize(message));
}

export function decodeFrame<T>(frame: ArrayBuffer | Uint8Array | string): T {
  if (typeof frame === 'string') throw new Error('text frames are not part of the protocol');
  return deserialize(frame instanceof Uint8Array ? frame : new Uint8Array(frame)) as T;
}
