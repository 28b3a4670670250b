/**
 * Uploads read at the speed of the socket make garbage at that speed: Bun hands
 * each chunk of a body over in a new buffer (its body streams have no BYOB
 * reader that could fill one buffer again), and JavaScriptCore collects once
 * garbage has grown in proportion to the live heap. Embedded PGlite's
 * WebAssembly heap makes that proportion large: a 300 MB upload grew the Admin
 * by 100 to 300 MB although at most a few MB were ever in flight. So the bytes
 * read are counted across every upload, and each COLLECT_EVERY_BYTES a
 * collection is asked for; it runs beside the program, not as a pause.
 */
const COLLECT_EVERY_BYTES = 32 * 1024 * 1024;

let readSinceCollection = 0;

/**
 * Reads `body` chunk by chunk, asking for a garbage collection each time the
 * uploads read together pass another COLLECT_EVERY_BYTES. A reader that stops
 * early cancels the body, so that nothing more of it is received.
 * @example
 * for await (const chunk of collectedAsRead(request.body)) hasher.update(chunk);
 */
export async function* collectedAsRead(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      readSinceCollection += r.value.byteLength;
      if (readSinceCollection >= COLLECT_EVERY_BYTES) {
        readSinceCollection = 0;
        Bun.gc(false);
      }
      yield r.value;
    }
  } finally {
    // Does nothing to a body read to its end; one that failed has nothing left to cancel.
    await reader.cancel().catch(() => {});
  }
}
