import yauzl from 'yauzl';
import { DatasetError } from './errors.ts';
import { isZip, readHead, type DataSource } from './source.ts';

/**
 * The largest file a dataset's zip may hold, uncompressed: a zip entry's header
 * says its size, so a small archive that would inflate to gigabytes is refused
 * before a byte of it is inflated (and yauzl checks that an entry inflates to
 * no more than its header said).
 */
export const MAX_ZIP_ENTRY_BYTES = 256 * 1024 * 1024;

/** A zip archive's directory, with its files read one at a time on demand. */
export interface ZipArchive {
  /** File names (folders left out) → entries. */
  files: Map<string, yauzl.Entry>;
  read(entry: yauzl.Entry): Promise<Uint8Array>;
  close(): void;
}

/**
 * Opens a zip from a path or bytes. Only its central directory is read at once,
 * so a large archive on disk costs little memory until its files are read.
 */
export async function openZip(source: DataSource, file: string): Promise<ZipArchive> {
  const head = await readHead(source, 4);
  if (head.length === 0) throw new DatasetError({ file }, 'the file is empty; a zip of images with an images.csv is expected');
  if (!isZip(head)) throw new DatasetError({ file }, 'this is not a zip file; a zip of images with an images.csv is expected');
  const options = { autoClose: false, strictFileNames: false };
  let zip: yauzl.ZipFile;
  try {
    zip = typeof source === 'string'
      ? await yauzl.openPromise(source, options)
      : await yauzl.fromBufferPromise(Buffer.from(source.buffer, source.byteOffset, source.byteLength), options);
  } catch (err) {
    throw new DatasetError({ file }, `not a readable zip file: ${(err as Error).message}`);
  }
  const files = new Map<string, yauzl.Entry>();
  try {
    for await (const entry of zip.eachEntry()) {
      if (!entry.fileName.endsWith('/')) files.set(entry.fileName, entry);
    }
  } catch (err) {
    zip.close();
    throw new DatasetError({ file }, `not a readable zip file: ${(err as Error).message}`);
  }
  return {
    files,
    close: () => zip.close(),
    async read(entry) {
      if (entry.uncompressedSize > MAX_ZIP_ENTRY_BYTES) {
        const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
        throw new DatasetError({ file: `${file}: ${entry.fileName}` }, `is ${mb(entry.uncompressedSize)} uncompressed; a file in the zip may have at most ${mb(MAX_ZIP_ENTRY_BYTES)}`);
      }
      try {
        const stream = await zip.openReadStreamPromise(entry);
        const parts: Uint8Array[] = [];
        for await (const part of stream) parts.push(part as Uint8Array);
        return Buffer.concat(parts);
      } catch (err) {
        throw new DatasetError({ file: `${file}: ${entry.fileName}` }, `cannot be read from the zip: ${(err as Error).message}`);
      }
    },
  };
}
