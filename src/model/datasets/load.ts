import type { Dataset, ImageQuery, TabularQuery } from '../dataset.ts';
import type { Task } from '../task.ts';
import { readCsv } from './csv.ts';
import { DatasetError } from './errors.ts';
import { readImageZip } from './image-zip.ts';
import { loadImageDataset } from './images.ts';
import { sourceName, type DataSource, type SourceOptions } from './source.ts';
import { loadTabularDataset } from './tabular.ts';
import { isMissing, parseNumber } from './values.ts';

export interface LoadOptions extends SourceOptions {
  task: Task;
  /** train_args.target and train_args.features, for tabular tasks. */
  target?: string;
  features?: string[];
}

/**
 * Loads a dataset of any task; a validation set passes its training set so that
 * both share the encoding and the classes.
 *
 * @example
 * const train = await loadDataset(trainPath, { task, ...trainArgs });
 * const val = await loadDataset(valPath, { task, ...trainArgs }, train);
 */
export async function loadDataset(source: DataSource, options: LoadOptions, training?: Dataset): Promise<Dataset> {
  if (training && (training.kind === 'image') !== (options.task === 'IMAGE_CLASSIFICATION')) {
    throw new TypeError(`a ${training.kind} training set cannot encode a ${options.task} dataset`);
  }
  if (options.task === 'IMAGE_CLASSIFICATION') {
    return loadImageDataset(source, options, training?.kind === 'image' ? training : undefined);
  }
  return loadTabularDataset(source, { ...options, task: options.task }, training?.kind === 'tabular' ? training : undefined);
}

/**
 * The first `count` rows or images of a dataset file as raw queries, the way an
 * app would send them: tabular rows as feature → value objects over the training
 * set's features (numbers as numbers, empty cells as null), images as H×W or
 * H×W×3 arrays of pixel values 0–255 at their own size.
 *
 * @example
 * const queries = await sampleQueries(valPath, train, { count: 3 });
 */
export async function sampleQueries(
  source: DataSource,
  training: Dataset,
  options: SourceOptions & { count?: number } = {},
): Promise<TabularQuery[] | ImageQuery[]> {
  const { count = 5 } = options;
  const file = sourceName(source, options);
  if (training.kind === 'image') {
    const queries: ImageQuery[] = [];
    for await (const { pixels } of readImageZip(source, file, { limit: count })) {
      const { height, width, channels, data } = pixels;
      queries.push(Array.from({ length: height }, (_, y) => Array.from({ length: width }, (_, x) => {
        const p = (y * width + x) * channels;
        return channels === 1 ? data[p]! : [data[p]!, data[p + 1]!, data[p + 2]!];
      })) as ImageQuery);
    }
    return queries;
  }
  const queries: TabularQuery[] = [];
  let indexes: number[] | null = null;
  for await (const { cells } of readCsv(source, file)) {
    if (!indexes) {
      indexes = training.encoding.columns.map(({ name }) => {
        const i = cells.indexOf(name);
        if (i < 0) throw new DatasetError({ file, line: 1 }, `there is no column "${name}", a feature of the training set`);
        return i;
      });
      continue;
    }
    if (queries.length >= count) break;
    const row = indexes;
    queries.push(Object.fromEntries(training.encoding.columns.map((column, j) => {
      const cell = cells[row[j]!]!;
      const value = isMissing(cell) ? null : column.kind === 'numeric' ? (parseNumber(cell) ?? cell) : cell;
      return [column.name, value];
    })));
  }
  return queries;
}
