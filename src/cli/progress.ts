/** A byte-count progress bar for uploads, drawn on one terminal line that it rewrites. */
import { bytes } from './output.ts';

/**
 * Passes `source` through, telling `onProgress` the bytes handed on so far. The
 * upload pulls chunks only as fast as it sends them, so that is the bytes sent.
 *
 * @example
 * await client.createDataset({ name, task, file: counted(createReadStream(path), (n) => bar.update(n)) });
 */
export async function* counted(source: AsyncIterable<Uint8Array>, onProgress: (sent: number) => void): AsyncGenerator<Uint8Array> {
  let sent = 0;
  for await (const chunk of source) {
    yield chunk;
    sent += chunk.byteLength;
    onProgress(sent);
  }
}

/** `[████████░░░░░░░░]  50%  1.0 MB / 2.0 MB` */
export function renderBar(sent: number, total: number, width = 30): string {
  const fraction = total > 0 ? Math.min(1, sent / total) : 1;
  const filled = Math.round(fraction * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${bytes(sent)} / ${bytes(total)}`;
}

export interface ProgressOutput {
  write(text: string): unknown;
}

/** Redraws at most every `everyMs` so that small chunks do not flood the terminal. */
export class ProgressBar {
  private last = 0;
  private sent = 0;

  constructor(private readonly out: ProgressOutput, private readonly total: number, private readonly label: string, private readonly everyMs = 100) {}

  update(sent: number): void {
    this.sent = sent;
    const now = Date.now();
    if (now - this.last < this.everyMs) return;
    this.last = now;
    this.draw();
  }

  /** Draws the final state and ends the line. */
  done(): void {
    this.draw();
    this.out.write('\n');
  }

  private draw(): void {
    this.out.write(`\r\x1b[2K${this.label} ${renderBar(this.sent, this.total)}`);
  }
}
