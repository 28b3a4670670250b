import { PNG } from 'pngjs';
import type { Task } from '../task.ts';
import { readCsv } from './csv.ts';
import { describeDataset, type DatasetDescription, type DescribeOptions } from './describe.ts';
import type { Pixels } from './image-decode.ts';
import type { LabelledImage } from './image-zip.ts';
import { PREVIEW_LIMITS } from './preview-limits.ts';
import { resizeInto } from './resize.ts';
import type { DataSource } from './source.ts';

export type DatasetPreview =
  | {
      kind: 'table';
      /** Every column, with its type as the check found it over the whole file. */
      columns: { name: string; type: 'numeric' | 'text' }[];
      /** The first rows' cells as the file has them, in the columns' order. */
      rows: string[][];
    }
  | {
      kind: 'images';
      /** Images per class, in class order. */
      classes: { label: string; count: number }[];
      /** Thumbnails as `data:image/png;base64,…` URLs. */
      samples: { label: string; image: string }[];
    };

/**
 * Checks and describes a dataset (describeDataset) and makes its preview in the
 * same pass: what the dashboard shows of a dataset, made where the upload is
 * already parsed, so that the Admin never decodes a user's file itself.
 *
 * @example
 * const { description, preview } = await describeWithPreview('/tmp/upload-1', 'IMAGE_CLASSIFICATION');
 * // preview: { kind: 'images', classes: [{ label: '0', count: 980 }, …], samples: [{ label: '0', image: 'data:image/png;base64,…' }, …] }
 */
export async function describeWithPreview(source: DataSource, task: Task, options: DescribeOptions = {}): Promise<{ description: DatasetDescription; preview: DatasetPreview }> {
  const thumbnails = new Thumbnails();
  const description = await describeDataset(source, task, { ...options, onImage: (image) => thumbnails.see(image) });
  if (description.kind === 'image') return { description, preview: thumbnails.preview(description.classes) };
  return {
    description,
    preview: { kind: 'table', columns: description.columns.map(({ name, type }) => ({ name, type })), rows: await firstRows(source) },
  };
}

async function firstRows(source: DataSource): Promise<string[][]> {
  const rows: string[][] = [];
  let chars = 0;
  let header = true;
  for await (const { cells } of readCsv(source, 'dataset')) {
    if (header) {
      header = false;
      continue;
    }
    const row = cells.map((cell) => (cell.length > PREVIEW_LIMITS.cellChars ? `${cell.slice(0, PREVIEW_LIMITS.cellChars - 1)}…` : cell));
    chars += row.reduce((sum, cell) => sum + cell.length, 0);
    if (chars > PREVIEW_LIMITS.tableChars) break;
    rows.push(row);
    if (rows.length === PREVIEW_LIMITS.rows) break;
  }
  return rows;
}

/**
 * Counts every class and keeps small copies of the first images of the first
 * classes seen: enough to take the preview's samples from each class in turn,
 * however the file orders its images, in bounded memory.
 */
class Thumbnails {
  private readonly counts = new Map<string, number>();
  private readonly kept = new Map<string, Pixels[]>();

  see({ label, pixels }: LabelledImage): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
    let list = this.kept.get(label);
    if (!list) {
      if (this.kept.size === PREVIEW_LIMITS.samples) return;
      this.kept.set(label, (list = []));
    }
    if (list.length < PREVIEW_LIMITS.samples) list.push(shrink(pixels));
  }

  preview(classes: string[]): DatasetPreview {
    const samples: { label: string; image: string }[] = [];
    for (let round = 0; samples.length < PREVIEW_LIMITS.samples; round++) {
      const taken = classes.filter((label) => this.kept.get(label)?.[round]).slice(0, PREVIEW_LIMITS.samples - samples.length);
      if (taken.length === 0) break;
      for (const label of taken) samples.push({ label, image: pngDataUrl(this.kept.get(label)![round]!) });
    }
    return { kind: 'images', classes: classes.map((label) => ({ label, count: this.counts.get(label) ?? 0 })), samples };
  }
}

function shrink(pixels: Pixels): Pixels {
  const scale = Math.min(1, PREVIEW_LIMITS.side / Math.max(pixels.height, pixels.width));
  if (scale === 1) return pixels;
  const shape = { height: Math.max(1, Math.round(pixels.height * scale)), width: Math.max(1, Math.round(pixels.width * scale)), channels: pixels.channels };
  const out = new Float32Array(shape.height * shape.width * shape.channels);
  resizeInto(pixels, shape, out, 0, 1);
  return { ...shape, data: Uint8Array.from(out, (v) => Math.min(255, Math.max(0, Math.round(v)))) };
}

function pngDataUrl({ height, width, channels, data }: Pixels): string {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) png.data[i * 4 + c] = data[i * channels + (channels === 1 ? 0 : c)]!;
    png.data[i * 4 + 3] = 255;
  }
  return `data:image/png;base64,${PNG.sync.write(png, { colorType: channels === 1 ? 0 : 2 }).toString('base64')}`;
}
