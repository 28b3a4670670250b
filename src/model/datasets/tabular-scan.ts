import type { Task } from '../task.ts';
import { readCsv } from './csv.ts';
import { DatasetError } from './errors.ts';
import type { DataSource } from './source.ts';
import { isMissing, parseNumber } from './values.ts';

/** Beyond this many distinct values a column is not one-hot encoded, nor a target classified. */
export const MAX_CATEGORIES = 1000;

/** What one streaming pass learns of a column. */
export interface ColumnStats {
  name: string;
  /** True while every non-empty value is a number. */
  numeric: boolean;
  /** Values that are numbers, with their mean and squared deviations (Welford), used while the column is `numeric`. */
  count: number;
  missing: number;
  mean: number;
  m2: number;
  /** Distinct values, or null once there are more than MAX_CATEGORIES. */
  distinct: Set<string> | null;
  /** Values that are not numbers: how many, and the first of them. */
  texts: { count: number; line: number; value: string } | null;
}

export interface TabularScan {
  file: string;
  rows: number;
  columns: ColumnStats[];
  target: number;
  features: number[];
}

export interface TabularColumnsOptions {
  task: Task;
  /** The label column (default: the last). */
  target?: string;
  /** The feature columns, in the order given (default: all but the target). */
  features?: string[];
}

/**
 * One pass over a tabular CSV: checks its shape and its target column, and learns
 * each column's statistics. Holds only the statistics, whatever the file's size.
 */
export async function scanTabular(source: DataSource, file: string, options: TabularColumnsOptions): Promise<TabularScan> {
  let scan: TabularScan | null = null;
  for await (const { cells, line } of readCsv(source, file)) {
    if (!scan) {
      scan = startScan(file, cells, options);
      continue;
    }
    const target = cells[scan.target]!;
    const targetName = scan.columns[scan.target]!.name;
    if (isMissing(target)) throw new DatasetError({ file, line, column: targetName }, 'the target value is missing');
    if (options.task === 'TABULAR_REGRESSION' && parseNumber(target) === null) {
      throw new DatasetError({ file, line, column: targetName }, `the target of a regression must be a number, not "${target}"`);
    }
    cells.forEach((cell, i) => observe(scan!.columns[i]!, cell, line));
    scan.rows += 1;
  }
  if (!scan) throw new DatasetError({ file }, 'the file is empty; a CSV file with a header row is expected');
  if (scan.rows === 0) throw new DatasetError({ file }, 'the file has a header but no data rows');
  for (const i of scan.features) refuseStrayText(file, scan.columns[i]!);
  return scan;
}

/** A column of numbers may hold at most this share of other values before they are taken for categories rather than typos. */
const STRAY_SHARE = 0.01;
const STRAY_MIN_NUMBERS = 20;

/**
 * A feature column of numbers with a stray value that is not one (a typo, "NA")
 * would be read as text, every number a category of its own: it is refused,
 * naming the value, rather than trained on that way.
 */
function refuseStrayText(file: string, column: ColumnStats): void {
  const { texts, count: numbers } = column;
  if (!texts || numbers < STRAY_MIN_NUMBERS || texts.count > Math.max(1, Math.floor(STRAY_SHARE * (numbers + texts.count)))) return;
  throw new DatasetError({ file, line: texts.line, column: column.name },
    `"${texts.value}" is not a number, while ${numbers} of the column's ${numbers + texts.count} values are; correct it, or leave the cell empty for a missing value`);
}

function startScan(file: string, header: string[], options: TabularColumnsOptions): TabularScan {
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name === '') throw new DatasetError({ file, line: 1 }, `column ${i + 1} has no name in the header`);
    if (seen.has(name)) throw new DatasetError({ file, line: 1, column: name }, 'this column name appears twice in the header');
    seen.add(name);
  });
  const known = `(the columns are ${header.map((h) => `"${h}"`).join(', ')})`;
  const indexOf = (name: string, role: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new DatasetError({ file }, `there is no ${role} column "${name}" ${known}`);
    return i;
  };
  if (header.length < 2) {
    throw new DatasetError({ file, line: 1 }, 'the header names 1 column; at least one feature and a target are needed, separated by commas');
  }
  const target = options.target === undefined ? header.length - 1 : indexOf(options.target, 'target');
  const features = options.features === undefined
    ? header.map((_, i) => i).filter((i) => i !== target)
    : options.features.map((name) => indexOf(name, 'feature'));
  if (features.includes(target)) throw new DatasetError({ file, column: header[target] }, 'the target column cannot also be a feature');
  if (features.length === 0) throw new DatasetError({ file }, 'no feature columns are left besides the target');
  const columns = header.map((name): ColumnStats => ({ name, numeric: true, count: 0, missing: 0, mean: 0, m2: 0, distinct: new Set<string>(), texts: null }));
  return { file, rows: 0, columns, target, features };
}

function observe(column: ColumnStats, cell: string, line: number): void {
  if (isMissing(cell)) {
    column.missing += 1;
    return;
  }
  if (column.distinct) {
    column.distinct.add(cell);
    if (column.distinct.size > MAX_CATEGORIES) column.distinct = null;
  }
  const value = parseNumber(cell);
  if (value === null) {
    column.numeric = false;
    if (column.texts) column.texts.count += 1;
    else column.texts = { count: 1, line, value: cell.slice(0, 100) };
    return;
  }
  column.count += 1;
  const delta = value - column.mean;
  column.mean += delta / column.count;
  column.m2 += delta * (value - column.mean);
}
