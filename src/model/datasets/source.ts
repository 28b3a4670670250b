import { open } from 'node:fs/promises';
import { basename } from 'node:path';

/** A dataset as a file path, or its bytes already in memory. */
export type DataSource = string | Uint8Array;

export interface SourceOptions {
  /** What errors call the file (default: the path, or "dataset" for bytes). */
  name?: string;
}

export function sourceName(source: DataSource, options: SourceOptions = {}): string {
  return options.name ?? (typeof source === 'string' ? basename(source) : 'dataset');
}

/** The first `length` bytes (fewer when the file is shorter), to recognise a format. */
export async function readHead(source: DataSource, length: number): Promise<Uint8Array> {
  if (typeof source !== 'string') return source.subarray(0, length);
  const file = await open(source, 'r');
  try {
    const head = new Uint8Array(length);
    const { bytesRead } = await file.read(head, 0, length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

export function isZip(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05);
}
