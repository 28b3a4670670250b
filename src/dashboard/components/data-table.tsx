/**
 * A table whose columns sort by a click or Enter on their heading (the heading
 * is a button, and says how it is sorted, for screen readers too).
 */
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';

export interface Column<T> {
  key: string;
  label: string;
  /** The value sorted by; rows without one go last. */
  value?: (row: T) => number | string | boolean | null | undefined;
  render?: (row: T) => ComponentChildren;
  numeric?: boolean;
}

type Sort = { key: string; descending: boolean } | null;

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

export function DataTable<T>({ columns, rows, rowKey, caption, initialSort = null, empty = 'Nothing yet.' }: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  caption: string;
  initialSort?: Sort;
  empty?: string;
}) {
  const [sort, setSort] = useState<Sort>(initialSort);
  const sorted = useMemo(() => {
    const column = sort && columns.find((c) => c.key === sort.key);
    if (!column?.value) return rows;
    const value = column.value;
    const nulls = (v: unknown) => v === null || v === undefined;
    return [...rows].sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      // Missing values last whichever the direction.
      if (nulls(x) || nulls(y)) return compare(x, y);
      return sort!.descending ? compare(y, x) : compare(x, y);
    });
  }, [rows, sort, columns]);
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => {
              const sorted = sort?.key === column.key ? (sort.descending ? 'descending' : 'ascending') : undefined;
              return (
                <th key={column.key} scope="col" aria-sort={sorted ?? 'none'} class={column.numeric ? 'numeric' : undefined}>
                  {column.value ? (
                    <button type="button" class="sort" onClick={() => setSort((s) => ({ key: column.key, descending: s?.key === column.key ? !s.descending : false }))}>
                      {column.label}<span aria-hidden="true">{sorted === 'ascending' ? ' ▲' : sorted === 'descending' ? ' ▼' : ''}</span>
                    </button>
                  ) : column.label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.length === 0 ? (
            <tr><td colSpan={columns.length} class="empty">{empty}</td></tr>
          ) : sorted.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) => (
                <td key={column.key} class={column.numeric ? 'numeric' : undefined}>
                  {column.render ? column.render(row) : String(column.value?.(row) ?? '')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
