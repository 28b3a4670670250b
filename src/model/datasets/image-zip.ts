import { readCsv } from './csv.ts';
import { DatasetError } from './errors.ts';
import { decodeImage, type Pixels } from './image-decode.ts';
import type { DataSource } from './source.ts';
import { openZip } from './zip.ts';

export interface LabelledImage {
  pixels: Pixels;
  label: string;
  /** The image's name in images.csv. */
  path: string;
  /** Its line in images.csv. */
  line: number;
}

export interface ImageZipOptions {
  /** Stop after this many images (default: all). */
  limit?: number;
}

/**
 * Walks an image dataset: a zip holding `images.csv` (columns `path` and `class`)
 * and the PNG or JPEG files it names, relative to it; `images.csv` may sit at the
 * root or in the zip's one top-level folder. Images are decoded one at a time, so
 * only the caller decides what stays in memory.
 */
export async function* readImageZip(source: DataSource, file: string, options: ImageZipOptions = {}): AsyncGenerator<LabelledImage> {
  const zip = await openZip(source, file);
  try {
    const index = findIndex([...zip.files.keys()], file);
    const csvFile = `${file}: ${index}`;
    const folder = index.slice(0, index.length - 'images.csv'.length);
    let columns: { path: number; label: number } | null = null;
    let count = 0;
    for await (const { cells, line } of readCsv(await zip.read(zip.files.get(index)!), csvFile)) {
      if (!columns) {
        columns = { path: cells.indexOf('path'), label: cells.indexOf('class') };
        if (columns.path < 0 || columns.label < 0) {
          throw new DatasetError({ file: csvFile, line }, `the header must name the columns "path" and "class", not ${cells.map((c) => `"${c}"`).join(', ')}`);
        }
        continue;
      }
      if (options.limit !== undefined && count >= options.limit) return;
      const path = cells[columns.path]!;
      const label = cells[columns.label]!;
      if (path === '') throw new DatasetError({ file: csvFile, line, column: 'path' }, 'the image path is missing');
      if (label === '') throw new DatasetError({ file: csvFile, line, column: 'class' }, 'the class is missing');
      const entry = zip.files.get(folder + path.replace(/\\/g, '/').replace(/^\.\//, ''));
      if (!entry) throw new DatasetError({ file: csvFile, line, column: 'path' }, `"${path}" is not in the zip`);
      let pixels: Pixels;
      try {
        pixels = decodeImage(await zip.read(entry));
      } catch (err) {
        if (err instanceof DatasetError) throw err;
        throw new DatasetError({ file: `${file}: ${entry.fileName}` }, `not a readable image (${(err as Error).message}); PNG or JPEG images are expected`);
      }
      count += 1;
      yield { pixels, label, path, line };
    }
    if (!columns) throw new DatasetError({ file: csvFile }, 'images.csv is empty; a header "path,class" and one row per image are expected');
    if (count === 0) throw new DatasetError({ file: csvFile }, 'images.csv lists no images');
  } finally {
    zip.close();
  }
}

function findIndex(names: string[], file: string): string {
  if (names.includes('images.csv')) return 'images.csv';
  const nested = names.filter((name) => /^[^/]+\/images\.csv$/.test(name));
  if (nested.length === 1) return nested[0]!;
  throw new DatasetError({ file }, 'the zip has no images.csv at its root; it must list the images as "path,class"');
}
