/**
 * Streaming multipart/form-data: text fields are collected, each file part is
 * handed to `onFile` as a stream as it arrives, so an upload of any size passes
 * through in small chunks. Bun's own `request.formData()` would buffer it whole.
 */
import Busboy from 'busboy';
import { pipeline, Readable } from 'node:stream';
import { badRequest, RafikiError } from '../../common/errors.ts';
import { countingPassThrough } from './garbage-pacing.ts';

export interface MultipartOptions<T> {
  /** File fields accepted; any other file part is a 400. */
  fileFields: readonly string[];
  /** Consumes one file part completely; its result is returned under the field's name. */
  onFile(field: string, stream: AsyncIterable<Uint8Array>): Promise<T>;
  /** Releases what `onFile` made (a staged file) when a later part fails the whole body. */
  discard?(result: T): void;
  /** Text fields over this many bytes are a 400. */
  maxFieldBytes?: number;
}

export interface MultipartResult<T> {
  fields: Record<string, string>;
  files: Record<string, T>;
}

const UNNAMED = 'a multipart part has no name: each part needs Content-Disposition: form-data; name="…"';

export async function readMultipart<T>(request: Request, options: MultipartOptions<T>): Promise<MultipartResult<T>> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.startsWith('multipart/form-data')) throw new RafikiError('UNSUPPORTED_MEDIA_TYPE', 'send the upload as multipart/form-data');
  if (!request.body) throw badRequest('the multipart body is empty');
  let parser: Busboy.Busboy;
  try {
    // One file part more than expected reaches the 'file' handler, which names it; the next is refused unread.
    parser = Busboy({ headers: { 'content-type': contentType }, limits: { fieldSize: options.maxFieldBytes ?? 64 * 1024, files: options.fileFields.length + 1 } });
  } catch (error) {
    throw badRequest(`malformed multipart body: ${(error as Error).message}`);
  }
  const fields: Record<string, string> = {};
  const files: Record<string, T> = {};
  // Named as each part starts: a second part of one name is refused even while the first is still being read.
  const fileNames = new Set<string>();
  const pending: Promise<void>[] = [];
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
  };

  parser.on('field', (name, value, info) => {
    if (!name) fail(badRequest(UNNAMED));
    else if (info.valueTruncated) fail(badRequest(`the field '${name}' is too long`));
    fields[name] = value;
  });
  parser.on('file', (name, stream) => {
    const refused = !name ? UNNAMED : fileNames.has(name) ? `the file field '${name}' is given twice`
      : options.fileFields.includes(name) ? null : `unexpected file field '${name}'; expected ${options.fileFields.join(' or ')}`;
    if (refused) {
      stream.resume();
      fail(badRequest(refused));
      return;
    }
    fileNames.add(name);
    // Not destroyed when the consumer stops early (a 413, say): the rest is drained,
    // so that the answer reaches a client still sending, instead of a reset connection.
    const chunks = stream.iterator({ destroyOnReturn: false });
    pending.push(options.onFile(name, chunks).then((result) => {
      files[name] = result;
    }, (error: unknown) => {
      fail(error);
      stream.resume();
    }));
  });
  parser.on('filesLimit', () => fail(badRequest(`too many files; expected ${options.fileFields.join(', ')}`)));

  const finished = new Promise<void>((resolve) => {
    parser.on('close', resolve);
    parser.on('error', (error: Error) => {
      fail(badRequest(`malformed multipart body: ${error.message}`));
      resolve();
    });
  });
  // pipeline reads the body only as fast as the parser takes it, and the parser takes it only as fast
  // as the file part is consumed. A body that fails, as when the client goes away, destroys the parser
  // and so the file part: `onFile` sees the error and drops what it wrote, instead of waiting forever.
  const body = Readable.fromWeb(request.body as unknown as import('node:stream/web').ReadableStream)
    .on('error', (error) => fail(badRequest(`the upload was cut off: ${error.message}`)));
  pipeline(body, countingPassThrough(), parser, () => {});
  await finished;
  await Promise.all(pending);
  if (failure) {
    for (const result of Object.values(files)) options.discard?.(result);
    throw failure;
  }
  return { fields, files };
}
