/**
 * Uploads read at the speed of the socket make garbage at that speed: Bun hands
 * each chunk of a body over in a new buffer (its body streams have no BYOB
 * reader that could fill one buffer again), and JavaScriptCore collects once
 * garbage has grown in proportion to the live heap. Embedded PGlite's
 * WebAssembly heap makes that proportion large: a 300 MB upload grew the Admin
 * by 60 to 300 MB although at most a few MB were ever in flight. So the bytes
 * that uploads read are counted together, and each COLLECT_EVERY_BYTES a
 * collection is asked for. `Bun.gc(false)` does not wait for it (under a
 * millisecond a call, where `Bun.gc(true)` stops the Admin for 20 to 70 ms).
 */
import { Transform } from 'node:stream';

const COLLECT_EVERY_BYTES = 32 * 1024 * 1024;

let readSinceCollection = 0;

/** Counts `bytes` an upload has read, asking for a collection when another COLLECT_EVERY_BYTES have passed. */
export function countRead(bytes: number): void {
  readSinceCollection += bytes;
  if (readSinceCollection >= COLLECT_EVERY_BYTES) {
    readSinceCollection = 0;
    Bun.gc(false);
  }
}

/**
 * A stream that passes chunks on as they are, counting them (see countRead).
 * @example
 * pipeline(Readable.fromWeb(request.body), countingPassThrough(), parser, done);
 */
export function countingPassThrough(): Transform {
  return new Transform({
    transform(chunk: Uint8Array, _encoding, done) {
      countRead(chunk.byteLength);
      done(null, chunk);
    },
  });
}
