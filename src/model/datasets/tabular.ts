import type { TabularColumn, TabularDataset, TabularEncoding } from '../dataset.ts';
import { readCsv } from './csv.ts';
import { DatasetError } from './errors.ts';
import { MAX_CATEGORIES, scanTabular, type ColumnStats, type TabularColumnsOptions, type TabularScan } from './tabular-scan.ts';
import { sourceName, type DataSource, type SourceOptions } from './source.ts';
import { columnEncoders, type ColumnEncoder } from './tabular-encode.ts';
import { parseNumber, sortLabels } from './values.ts';

export interface TabularLoadOptions extends TabularColumnsOptions, SourceOptions {
  task: TabularDataset['task'];
}

/** What a validation set takes from its training set so that both are encoded alike. */
export type TabularTraining = Pick<TabularDataset, 'encoding' | 'classes'>;

/**
 * Loads a CSV dataset (with a header) for a tabular task. Numeric feature columns
 * (every non-empty value a number) are standardised, the others one-hot encoded;
 * a missing number becomes the column's mean (0 once standardised), a missing or
 * unknown category all zeros. Without `training` the encoding and the classes are
 * learned from this file; a validation set passes its training set to share them.
 *
 * @example
 * const train = await loadTabularDataset('iris-train.csv', { task: 'TABULAR_CLASSIFICATION' });
 * const val = await loadTabularDataset('iris-val.csv', { task: 'TABULAR_CLASSIFICATION' }, train);
 */
export async function loadTabularDataset(
  source: DataSource,
  options: TabularLoadOptions,
  training?: TabularTraining,
): Promise<TabularDataset> {
  const file = sourceName(source, options);
  const scan = await scanTabular(source, file, options);
  const encoding = training?.encoding ?? learnEncoding(scan);
  checkColumns(scan, encoding);
  const classes = options.task === 'TABULAR_REGRESSION' ? [] : (training?.classes ?? learnClasses(scan));
  const x = new Float32Array(scan.rows * encoding.width);
  const y = new Float32Array(scan.rows);
  const classIndex = new Map(classes.map((label, i) => [label, i]));
  const targetName = scan.columns[scan.target]!.name;
  const encoders = columnEncoders(encoding);

  let row = -1;
  for await (const { cells, line } of readCsv(source, file)) {
    if (row >= 0) {
      encodeRow(cells, scan.features, encoders, x.subarray(row * encoding.width, (row + 1) * encoding.width), { file, line });
      const target = cells[scan.target]!;
      if (options.task === 'TABULAR_REGRESSION') y[row] = parseNumber(target)!;
      else {
        const index = classIndex.get(target);
        if (index === undefined) {
          throw new DatasetError({ file, line, column: targetName }, `the label "${target}" is not one of the training set's classes (${classes.join(', ')})`);
        }
        y[row] = index;
      }
    }
    row += 1;
  }
  return { kind: 'tabular', task: options.task, size: scan.rows, encoding, x, y, classes };
}

/** Mean and standard deviation per numeric column, sorted categories per text column. */
function learnEncoding(scan: TabularScan): TabularEncoding {
  const columns = scan.features.map((i): TabularColumn => {
    const stats = scan.columns[i]!;
    if (stats.numeric) {
      const std = stats.count > 1 ? Math.sqrt(stats.m2 / stats.count) : 0;
      // A constant column carries no information; a std of 1 keeps it at 0 rather than dividing by 0.
      return { name: stats.name, kind: 'numeric', mean: stats.mean, std: std > 0 ? std : 1 };
    }
    return { name: stats.name, kind: 'categorical', categories: sortLabels(distinctOrThrow(scan.file, stats, 'feature values')) };
  });
  const width = columns.reduce((sum, c) => sum + (c.kind === 'numeric' ? 1 : c.categories.length), 0);
  return { columns, width };
}

function learnClasses(scan: TabularScan): string[] {
  return sortLabels(distinctOrThrow(scan.file, scan.columns[scan.target]!, 'labels'));
}

function distinctOrThrow(file: string, stats: ColumnStats, what: string): Set<string> {
  if (stats.distinct) return stats.distinct;
  throw new DatasetError({ file, column: stats.name }, `this column has more than ${MAX_CATEGORIES} distinct ${what}, too many to encode as categories; ` +
    'leave it out with train_args.features, or name another target');
}

function checkColumns(scan: TabularScan, encoding: TabularEncoding): void {
  const names = scan.features.map((i) => scan.columns[i]!.name);
  const expected = encoding.columns.map((c) => c.name);
  if (names.join('\0') !== expected.join('\0')) {
    throw new DatasetError({ file: scan.file, line: 1 }, `the feature columns are ${names.join(', ')} but the training set's are ${expected.join(', ')}`);
  }
}

function encodeRow(cells: string[], features: number[], encoders: ColumnEncoder[], out: Float32Array, place: { file: string; line: number }): void {
  encoders.forEach((encoder, j) => {
    const problem = encoder.write(cells[features[j]!]!, out, encoder.offset);
    if (problem !== null) throw new DatasetError({ ...place, column: encoder.column.name }, `${problem} in the training set`);
  });
}
