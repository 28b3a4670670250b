/**
 * A multipart/form-data body built as a stream, so that a file of any size is sent
 * without being read into memory (FormData would need the whole file as a Blob).
 */
export interface FilePart {
  field: string;
  data: AsyncIterable<Uint8Array> | Uint8Array;
}

export function multipartBody(fields: Record<string, string | undefined>, file?: FilePart): { body: ReadableStream<Uint8Array>; contentType: string } {
  const boundary = `rafiki-${crypto.randomUUID()}`;
  const encoder = new TextEncoder();
  async function* parts(): AsyncGenerator<Uint8Array> {
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      yield encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    }
    if (file) {
      // Named after the field, with no extension, as Rafiki's client sends it.
      yield encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.field}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
      if (file.data instanceof Uint8Array) yield file.data;
      else for await (const chunk of file.data) yield chunk;
      yield encoder.encode('\r\n');
    }
    yield encoder.encode(`--${boundary}--\r\n`);
  }
  const iterator = parts();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
