import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { DatasetError } from './errors.ts';
import { isZip, readHead, type DataSource } from './source.ts';

/** One CSV record with the line (1-based, of its last physical line) it came from. */
export interface CsvRecord {
  cells: string[];
  line: number;
}

/**
 * Streams the records of a CSV file with a header, so that a file of any size is
 * read in constant memory. The first record is the header. Ragged rows and files
 * that are not text are errors naming the place.
 *
 * @example
 * for await (const { cells, line } of readCsv('iris.csv', 'iris.csv')) console.log(line, cells);
 */
export async function* readCsv(source: DataSource, file: string): AsyncGenerator<CsvRecord> {
  const head = await readHead(source, 64 * 1024);
  if (head.length === 0) throw new DatasetError({ file }, 'the file is empty; a CSV file with a header row is expected');
  if (isZip(head)) throw new DatasetError({ file }, 'this is a zip file; a CSV file with a header row is expected');
  if (head.includes(0)) throw new DatasetError({ file }, 'this is a binary file; a CSV text file with a header row is expected');

  // Any line ending, even mixed in one file (a CSV edited on two systems), ends a record.
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true, record_delimiter: ['\r\n', '\n', '\r'] });
  const input = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1 << 20 }) : Readable.from(chunks(source));
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);

  let width = -1;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (width < 0) width = record.length;
      else if (record.length !== width) {
        throw new DatasetError({ file, line: info.lines }, `this row has ${count(record.length, 'value')} but the header names ${count(width, 'column')}`);
      }
      yield { cells: record, line: info.lines };
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw new DatasetError(line === undefined ? { file } : { file, line }, `not valid CSV: ${err.message}`);
    }
    throw err;
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (width < 0) throw new DatasetError({ file }, 'the file has no header row');
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function* chunks(bytes: Uint8Array): Generator<Uint8Array> {
  const size = 1 << 20;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
