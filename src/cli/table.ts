/** Plain text tables: a header in capitals, columns two spaces apart, numbers right-aligned. */

export interface Column<Row> {
  header: string;
  value: (row: Row) => string | number | null | undefined;
  /** Cut longer cells to this many characters, ending in `…`. */
  max?: number;
  /** Cut to what the table's `width` leaves after the other columns (at least 20 characters); uncut without a width. */
  fill?: boolean;
}

/** The narrowest a `fill` column is cut to, however narrow the terminal. */
const MIN_FILL = 20;

/**
 * @example
 * table(users, [{ header: 'email', value: (u) => u.email }, { header: 'type', value: (u) => u.user_type }]);
 * // EMAIL             TYPE
 * // dev@example.com   APP_DEVELOPER
 */
export function table<Row>(rows: readonly Row[], columns: readonly Column<Row>[], { width: total }: { width?: number } = {}): string {
  const cells = rows.map((row) => columns.map((column) => cell(column.value(row), column.max)));
  const filled = columns.findIndex((column) => column.fill);
  if (filled >= 0 && total !== undefined) {
    const others = columns.reduce((sum, column, c) => (c === filled ? sum : sum + 2 + Math.max(column.header.length, ...cells.map((line) => width(line[c]!)))), 0);
    const room = Math.max(MIN_FILL, total - others);
    for (const line of cells) line[filled] = cell(line[filled], room);
  }
  const right = columns.map((_, c) => rows.length > 0 && rows.every((row) => typeof columns[c]!.value(row) === 'number'));
  const widths = columns.map((column, c) => Math.max(column.header.length, ...cells.map((line) => width(line[c]!))));
  const render = (line: string[]) =>
    line.map((text, c) => (right[c] ? pad(text, widths[c]!, true) : c === line.length - 1 ? text : pad(text, widths[c]!, false))).join('  ').trimEnd();
  return [render(columns.map((column) => column.header.toUpperCase())), ...cells.map(render)].join('\n');
}

function cell(value: string | number | null | undefined, max: number | undefined): string {
  const text = value === null || value === undefined || value === '' ? '-' : String(value);
  return max !== undefined && width(text) > max ? `${[...text].slice(0, max - 1).join('')}…` : text;
}

// Code points, so that `…`, `✓` and accented names count as one column each.
const width = (text: string) => [...text].length;

const pad = (text: string, to: number, left: boolean) => {
  const fill = ' '.repeat(Math.max(0, to - width(text)));
  return left ? fill + text : text + fill;
};

/** `key: value` lines with the values aligned, for one resource. */
export function details(pairs: readonly [string, string | number | null | undefined][]): string {
  const keyWidth = Math.max(...pairs.map(([key]) => key.length)) + 1;
  return pairs.map(([key, value]) => `${`${key}:`.padEnd(keyWidth)}  ${value === null || value === undefined || value === '' ? '-' : value}`).join('\n');
}
