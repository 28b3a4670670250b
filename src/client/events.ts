/**
 * Server-sent events read from a fetch body, for Node, Bun and browsers alike
 * (the browser's EventSource cannot send the Authorization header). Each event's
 * data is JSON.
 */
export interface ParsedEvent { event: string; data: unknown }

export async function* serverSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ParsedEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      // Events end with a blank line; lines starting with ':' are comments (keep-alives).
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) yield { event, data: JSON.parse(data.join('\n')) };
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
