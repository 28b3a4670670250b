/**
 * Server-sent events (text/event-stream) from an async iterable, read as the
 * client reads (backpressure) and ended when it goes away. A comment line every
 * 15 s keeps proxies from closing a quiet stream.
 */
export interface ServerSentEvent { event: string; data: unknown }

const KEEP_ALIVE_MS = 15_000;

export function serverSentEvents(source: (signal: AbortSignal) => AsyncIterable<ServerSentEvent>): Response {
  const gone = new AbortController();
  const events = source(gone.signal)[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  const end = () => {
    clearInterval(keepAlive);
    gone.abort();
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      keepAlive = setInterval(() => controller.enqueue(encoder.encode(': keep-alive\n\n')), KEEP_ALIVE_MS);
    },
    async pull(controller) {
      try {
        const next = await events.next();
        if (next.done) {
          end();
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(`event: ${next.value.event}\ndata: ${JSON.stringify(next.value.data)}\n\n`));
      } catch (error) {
        end();
        controller.error(error);
      }
    },
    async cancel() {
      end();
      await events.return?.();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no' } });
}
