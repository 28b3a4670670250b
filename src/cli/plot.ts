/** Line charts drawn with box-drawing characters, for metrics in a terminal. */

export interface ChartOptions {
  /** Rows of the chart, not counting the axis labels. */
  height?: number;
  /** At most this many columns: longer series are averaged down to it. */
  width?: number;
}

/**
 * @example
 * console.log(lineChart([0.2, 0.5, 0.7, 0.8], { height: 4 }));
 * // 0.800 ┤   ╭
 * // 0.650 ┤  ╭╯
 * // 0.500 ┤ ╭╯
 * // 0.350 ┤ │
 * // 0.200 ┼─╯
 */
export function lineChart(values: readonly number[], { height = 8, width = 60 }: ChartOptions = {}): string {
  if (height < 1 || width < 1) throw new RangeError(`lineChart: height and width must be ≥ 1, got ${height} and ${width}`);
  const points = downsample(values.filter(Number.isFinite), width);
  if (points.length === 0) return '(no values)';
  const min = Math.min(...points);
  const max = Math.max(...points);
  const range = max - min || 1;
  const rows = max === min ? 0 : height;
  const rowOf = (v: number) => rows - Math.round(((v - min) / range) * rows);
  const grid = Array.from({ length: rows + 1 }, () => Array<string>(points.length).fill(' '));
  grid[rowOf(points[0]!)]![0] = '─';
  for (let x = 1; x < points.length; x++) {
    const from = rowOf(points[x - 1]!);
    const to = rowOf(points[x]!);
    if (from === to) {
      grid[to]![x] = '─';
      continue;
    }
    // Rows count downwards: a smaller row is a higher value.
    const up = to < from;
    grid[from]![x] = up ? '╯' : '╮';
    grid[to]![x] = up ? '╭' : '╰';
    for (let r = Math.min(from, to) + 1; r < Math.max(from, to); r++) grid[r]![x] = '│';
  }
  const decimals = Math.min(6, Math.max(0, 2 - Math.floor(Math.log10(range / Math.max(rows, 1)))));
  const labels = grid.map((_, r) => {
    const text = (max - (r * range) / Math.max(rows, 1)).toFixed(decimals);
    // A level a hair below zero would read -0.0.
    return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
  });
  const labelWidth = Math.max(...labels.map((l) => l.length));
  return grid.map((line, r) => `${labels[r]!.padStart(labelWidth)} ${r === rows ? '┼' : '┤'}${line.join('').trimEnd()}`).join('\n');
}

/** Averages consecutive values so that at most `width` remain. */
function downsample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  return Array.from({ length: width }, (_, i) => {
    const bucket = values.slice(Math.floor((i * values.length) / width), Math.floor(((i + 1) * values.length) / width));
    return bucket.reduce((a, b) => a + b, 0) / bucket.length;
  });
}
