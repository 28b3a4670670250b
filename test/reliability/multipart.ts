/** multipart/form-data bodies written byte by byte, so that they can be wrong in any way. */

const BOUNDARY = 'corpus-boundary-5c1e';

export interface Part {
  name: string;
  value: string | Uint8Array;
  /** Makes the part a file. */
  filename?: string;
  contentType?: string;
  /** The part's whole header block instead of the one written from the fields above. */
  rawHeaders?: string;
}

/**
 * @example
 * encodeMultipart([{ name: 'name', value: 'iris' }, { name: 'dataset', value: csv, filename: 'iris.csv' }]);
 */
export function encodeMultipart(parts: Part[], { boundary = BOUNDARY, close = true, newline = '\r\n' } = {}): Uint8Array {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const headers = part.rawHeaders ?? [
      `Content-Disposition: form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`,
      ...(part.contentType ? [`Content-Type: ${part.contentType}`] : part.filename !== undefined ? ['Content-Type: application/octet-stream'] : []),
    ].join(newline);
    chunks.push(Buffer.from(`--${boundary}${newline}${headers}${newline}${newline}`), Buffer.from(part.value), Buffer.from(newline));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--${newline}`));
  return new Uint8Array(Buffer.concat(chunks));
}

export const multipartType = (boundary = BOUNDARY) => `multipart/form-data; boundary=${boundary}`;
