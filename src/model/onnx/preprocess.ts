/**
 * Preprocessing inside an inference graph, so that raw queries go in: tabular
 * standardisation and one-hot encoding as learned by the loader, and image pixel
 * scaling. The encoded row lays out the columns in order: one value per numeric
 * column, one per category of a categorical column (as TabularEncoding says).
 */
import type { ImageShape, TabularColumn, TabularEncoding } from '../dataset.ts';
import type { OnnxInputSpec } from '../model.ts';
import type { GraphBuilder } from './builder.ts';

export type InferenceInput =
  | { kind: 'tabular'; encoding: TabularEncoding }
  | { kind: 'image'; shape: ImageShape };

/** The `rafiki.input` metadata describing the raw input tensor. */
export function inputSpec(input: InferenceInput): OnnxInputSpec {
  if (input.kind === 'image') return { kind: 'image', ...input.shape };
  return {
    kind: 'tabular',
    columns: input.encoding.columns.map((c) => ({ name: c.name, categories: c.kind === 'categorical' ? [...c.categories] : null })),
  };
}

/** Raw [N, columns] (categorical columns as category indices, -1 unknown) → encoded [N, width]. */
export function emitTabularEncoding(g: GraphBuilder, raw: string, encoding: TabularEncoding): string {
  const parts: string[] = [];
  const columns = encoding.columns;
  for (let start = 0; start < columns.length;) {
    const column = columns[start]!;
    if (column.kind === 'categorical') {
      parts.push(emitOneHot(g, raw, start, column.categories.length));
      start++;
      continue;
    }
    let end = start;
    while (columns[end]?.kind === 'numeric') end++;
    const run = columns.slice(start, end) as Extract<TabularColumn, { kind: 'numeric' }>[];
    parts.push(emitStandardise(g, raw, start, run));
    start = end;
  }
  const encoded = parts.length === 1 ? parts[0]! : g.op('Concat', parts, { axis: 1 });
  return encoded;
}

function emitStandardise(g: GraphBuilder, raw: string, first: number, run: Extract<TabularColumn, { kind: 'numeric' }>[]): string {
  const slice = g.op('Slice', [raw, g.constantInt([first]), g.constantInt([first + run.length]), g.constantInt([1])]);
  const scaled = g.op('Div', [
    g.op('Sub', [slice, g.constant(run.map((c) => c.mean), [run.length])]),
    g.constant(run.map((c) => (c.std > 0 ? c.std : 1)), [run.length]),
  ]);
  // A missing value (NaN) becomes the training mean, i.e. 0 once standardised.
  return g.op('Where', [g.op('IsNaN', [scaled]), g.scalar(0), scaled]);
}

function emitOneHot(g: GraphBuilder, raw: string, column: number, categories: number): string {
  const index = g.op('Slice', [raw, g.constantInt([column]), g.constantInt([column + 1]), g.constantInt([1])]);
  const ids = g.constant(Array.from({ length: categories }, (_, i) => i), [1, categories]);
  // An unknown category (-1, or anything not listed) matches none: all zeros.
  return g.op('Cast', [g.op('Equal', [index, ids])], { to: 1 });
}

/** Raw pixels 0–255 [N, H, W, C] → 0–1, as the image datasets give them. */
export function emitImageScaling(g: GraphBuilder, raw: string): string {
  return g.op('Div', [raw, g.scalar(255)]);
}
