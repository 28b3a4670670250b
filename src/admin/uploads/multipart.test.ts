/** readMultipart in-process: how far the body is read ahead of the file part, and bodies that fail, are refused or are malformed part-way. */
import { expect, test } from 'bun:test';
import { RafikiError } from '../../common/errors.ts';
import { readMultipart } from './multipart.ts';

const MB = 1024 * 1024;
const BOUNDARY = 'test-boundary';
const encode = (text: string) => new TextEncoder().encode(text);

/**
 * A request whose body is one file part of `size` bytes, made only as it is
 * pulled, and counting what was pulled. `cutAfter`: the body fails there, as when
 * the client goes away; `unfinished`: it ends without the closing boundary.
 */
function upload(size: number, { field = 'dataset', cutAfter, unfinished = false }: { field?: string; cutAfter?: number; unfinished?: boolean } = {}) {
  const block = new Uint8Array(64 * 1024).fill(120);
  const counter = { pulled: 0 };
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${field}"\r\n\r\n`));
      } else if (cutAfter !== undefined && counter.pulled >= cutAfter) {
        controller.error(new Error('The connection was closed.'));
      } else if (counter.pulled < size) {
        counter.pulled += block.byteLength;
        controller.enqueue(block);
      } else {
        if (!unfinished) controller.enqueue(encode(`\r\n--${BOUNDARY}--\r\n`));
        controller.close();
      }
    },
  }, { highWaterMark: 0 });
  const request = new Request('http://admin/datasets', { method: 'POST', body, headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } });
  return { request, counter };
}

const rejection = (promise: Promise<unknown>) => promise.then(() => expect.unreachable('it succeeded'), (error: unknown) => error as RafikiError);

test('the body is read only as fast as the file part is consumed', async () => {
  const { request, counter } = upload(64 * MB);
  let consumed = 0;
  let mostAhead = 0;
  const { files } = await readMultipart(request, {
    fileFields: ['dataset'],
    async onFile(_field, stream) {
      for await (const chunk of stream) {
        consumed += chunk.byteLength;
        mostAhead = Math.max(mostAhead, counter.pulled - consumed);
        // A consumer slower than the body, as a disk can be.
        await Bun.sleep(0);
      }
      return consumed;
    },
  });
  expect(files.dataset).toBe(64 * MB);
  expect(mostAhead).toBeLessThan(4 * MB);
});

test('a body cut off part-way fails the part being consumed, and the read is a 400', async () => {
  const { request } = upload(64 * MB, { cutAfter: 4 * MB });
  let seenByConsumer: unknown;
  const error = await rejection(readMultipart(request, {
    fileFields: ['dataset'],
    async onFile(_field, stream) {
      try {
        for await (const _ of stream);
      } catch (cause) {
        seenByConsumer = cause;
        throw cause;
      }
    },
  }));
  expect(seenByConsumer).toBeInstanceOf(Error);
  expect([error.status, error.message]).toEqual([400, 'the upload was cut off: The connection was closed.']);
});

test('a part refused part-way still has the rest of the body read, so that the answer reaches a client still sending', async () => {
  const { request, counter } = upload(16 * MB);
  const error = await rejection(readMultipart(request, {
    fileFields: ['dataset'],
    async onFile(_field, stream) {
      let size = 0;
      for await (const chunk of stream) {
        size += chunk.byteLength;
        if (size > MB) throw new RafikiError('PAYLOAD_TOO_LARGE', 'the file is larger than the limit of 1 MB');
      }
    },
  }));
  expect([error.status, error.message]).toEqual([413, 'the file is larger than the limit of 1 MB']);
  expect(counter.pulled).toBe(16 * MB);
});

test('a body that ends before its closing boundary, or has an unexpected file, is a 400', async () => {
  const consume = async (_field: string, stream: AsyncIterable<Uint8Array>) => {
    for await (const _ of stream);
  };
  const unfinished = await rejection(readMultipart(upload(MB, { unfinished: true }).request, { fileFields: ['dataset'], onFile: consume }));
  expect([unfinished.status, unfinished.message]).toEqual([400, 'malformed multipart body: Unexpected end of form']);
  const other = await rejection(readMultipart(upload(MB, { field: 'other' }).request, { fileFields: ['dataset'], onFile: consume }));
  expect([other.status, other.message]).toEqual([400, "unexpected file field 'other'; expected dataset"]);
});
