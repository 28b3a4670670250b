/**
 * How a cell's text is read: a value is missing when its cell is empty (spaces
 * only); it is a number when it is a plain decimal (so "0x1f", "Infinity" and
 * "1,5" are text, not numbers).
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function isMissing(cell: string): boolean {
  return cell.trim() === '';
}

/** The cell's number, or null when it is not a plain decimal. */
export function parseNumber(cell: string): number | null {
  const text = cell.trim();
  return DECIMAL.test(text) ? Number(text) : null;
}

/** Labels in Rafiki's order: numerically when every label is a number, else by code point. */
export function sortLabels(labels: Iterable<string>): string[] {
  const list = [...labels];
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  if (list.every((label) => parseNumber(label) !== null)) {
    return list.sort((a, b) => parseNumber(a)! - parseNumber(b)! || byText(a, b));
  }
  return list.sort(byText);
}
