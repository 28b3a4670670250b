import { isTask, type Task } from '../task.ts';
import { readImageZip, type LabelledImage } from './image-zip.ts';
import { MAX_CATEGORIES, scanTabular, type TabularColumnsOptions } from './tabular-scan.ts';
import { sourceName, type DataSource, type SourceOptions } from './source.ts';
import { DatasetError } from './errors.ts';
import { sortLabels } from './values.ts';

export interface ColumnDescription {
  name: string;
  /** numeric when every non-empty value is a number; such columns are standardised, the others one-hot encoded. */
  type: 'numeric' | 'text';
  /** Empty cells. */
  missing: number;
  /** Distinct non-empty values, or null when there are more than MAX_CATEGORIES (1000). */
  distinct: number | null;
}

export type DatasetDescription =
  | {
      kind: 'tabular';
      task: 'TABULAR_CLASSIFICATION' | 'TABULAR_REGRESSION';
      rows: number;
      columns: ColumnDescription[];
      target: string;
      /** The target's labels in class order; empty for regression. */
      classes: string[];
    }
  | {
      kind: 'image';
      task: 'IMAGE_CLASSIFICATION';
      images: number;
      classes: string[];
      /** The smallest and largest image sides, and whether any image is in colour. */
      height: { min: number; max: number };
      width: { min: number; max: number };
      colour: boolean;
    };

export interface DescribeOptions extends SourceOptions, Omit<TabularColumnsOptions, 'task'> {
  /** Sees each image of an image dataset as it is read (the upload check keeps a few as thumbnails). */
  onImage?: (image: LabelledImage) => void;
}

/**
 * Checks a dataset file against its task's format (docs/design.md §4) and describes it,
 * reading it as a stream: a CSV of any size is held as column statistics only, a
 * zip's images are decoded one at a time. Throws a DatasetError naming the file,
 * the line and the column of the first problem.
 *
 * @example
 * const info = await describeDataset('/tmp/upload-1', 'TABULAR_CLASSIFICATION', { name: 'iris.csv' });
 * // { kind: 'tabular', rows: 150, columns: [...], target: 'class', classes: ['setosa', ...] }
 */
export async function describeDataset(source: DataSource, task: Task, options: DescribeOptions = {}): Promise<DatasetDescription> {
  if (!isTask(task)) throw new TypeError(`unknown task ${JSON.stringify(task)}`);
  const file = sourceName(source, options);
  if (task === 'IMAGE_CLASSIFICATION') return describeImages(source, file, options.onImage);
  const scan = await scanTabular(source, file, { ...options, task });
  const target = scan.columns[scan.target]!;
  let classes: string[] = [];
  if (task === 'TABULAR_CLASSIFICATION') {
    if (!target.distinct) throw new DatasetError({ file, column: target.name }, `the target has more than ${MAX_CATEGORIES} distinct labels; is it the right column?`);
    classes = sortLabels(target.distinct);
  }
  return {
    kind: 'tabular',
    task,
    rows: scan.rows,
    columns: scan.columns.map((c) => ({ name: c.name, type: c.numeric ? 'numeric' : 'text', missing: c.missing, distinct: c.distinct?.size ?? null })),
    target: target.name,
    classes,
  };
}

async function describeImages(source: DataSource, file: string, onImage?: (image: LabelledImage) => void): Promise<DatasetDescription> {
  const labels = new Set<string>();
  const height = { min: Infinity, max: 0 };
  const width = { min: Infinity, max: 0 };
  let images = 0;
  let colour = false;
  for await (const image of readImageZip(source, file)) {
    const { pixels, label } = image;
    onImage?.(image);
    images += 1;
    labels.add(label);
    height.min = Math.min(height.min, pixels.height);
    height.max = Math.max(height.max, pixels.height);
    width.min = Math.min(width.min, pixels.width);
    width.max = Math.max(width.max, pixels.width);
    colour ||= pixels.channels === 3;
  }
  return { kind: 'image', task: 'IMAGE_CLASSIFICATION', images, classes: sortLabels(labels), height, width, colour };
}
