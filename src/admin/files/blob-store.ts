/**
 * Content-addressed files under the data directory: each file is named by its
 * sha256, so the same content is stored once. Files arrive as streams and are
 * hashed while they are written; nothing is held whole in memory.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RafikiError } from '../../common/errors.ts';

export interface StagedBlob {
  sha256: string;
  size: number;
  /** Where the content is until it is kept or dropped. */
  path: string;
}

export class BlobStore {
  private readonly staging: string;

  constructor(readonly root: string) {
    this.staging = join(root, 'staging');
    // What an upload that never finished (the Admin stopped meanwhile) left is dropped at start.
    rmSync(this.staging, { recursive: true, force: true });
    mkdirSync(this.staging, { recursive: true });
  }

  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  /**
   * Writes a stream to a staging file while hashing it; refuses with 413 past
   * `maxBytes` (and removes what was written).
   */
  async stage(stream: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StagedBlob> {
    const path = join(this.staging, crypto.randomUUID());
    const out = createWriteStream(path);
    const hasher = new Bun.CryptoHasher('sha256');
    let size = 0;
    try {
      for await (const chunk of stream) {
        size += chunk.byteLength;
        if (size > maxBytes) throw new RafikiError('PAYLOAD_TOO_LARGE', `the file is larger than the limit of ${Math.floor(maxBytes / 1024 / 1024)} MB`);
        hasher.update(chunk);
        if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
      }
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    } catch (error) {
      // The file is opened asynchronously: removed before the stream has closed, it would be created after.
      out.destroy();
      if (!out.closed) await new Promise((resolve) => out.once('close', resolve));
      rmSync(path, { force: true });
      throw error;
    }
    return { sha256: hasher.digest('hex'), size, path };
  }

  /** Moves a staged file to its content address (or drops it when that content is already kept). */
  keep(staged: StagedBlob): string {
    const target = this.pathOf(staged.sha256);
    if (existsSync(target)) {
      rmSync(staged.path, { force: true });
    } else {
      mkdirSync(join(this.root, staged.sha256.slice(0, 2)), { recursive: true });
      renameSync(staged.path, target);
    }
    return target;
  }

  drop(staged: StagedBlob): void {
    rmSync(staged.path, { force: true });
  }

  remove(sha256: string): void {
    rmSync(this.pathOf(sha256), { force: true });
  }

  size(sha256: string): number {
    return statSync(this.pathOf(sha256)).size;
  }
}
