import type { TabularEncoding, TabularQuery } from '../dataset.ts';
import { columnEncoders, categoryText, notNumeric, numericValue, type RawValue } from '../datasets/tabular-encode.ts';
import type { OnnxInputSpec } from '../model.ts';
import { QueryError } from './errors.ts';

type TabularSpec = Extract<OnnxInputSpec, { kind: 'tabular' }>;

/**
 * Raw tabular queries → encoded rows (queries × encoding.width, row-major), encoded
 * exactly as the training set was. A query is an object of feature → value (a
 * feature left out is missing) or an array of values in column order; numbers may
 * come as numbers or text, missing values as null.
 *
 * @example
 * const x = encodeTabularQueries(train.encoding, [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }]);
 */
export function encodeTabularQueries(encoding: TabularEncoding, queries: unknown[]): Float32Array {
  const names = encoding.columns.map((c) => c.name);
  const encoders = columnEncoders(encoding);
  const x = new Float32Array(queries.length * encoding.width);
  queries.forEach((query, q) => {
    const row = x.subarray(q * encoding.width, (q + 1) * encoding.width);
    rawValues(names, query, q).forEach((value, j) => {
      const encoder = encoders[j]!;
      const problem = encoder.write(value, row, encoder.offset);
      if (problem !== null) throw new QueryError(q, `feature "${names[j]}": ${problem}`);
    });
  });
  return x;
}

/**
 * The ONNX input spec of a tabular model: its raw columns in order, with the
 * categories of the categorical ones.
 *
 * @example
 * const spec = tabularInputSpec(train.encoding); // { kind: 'tabular', columns: [{ name: 'sepal_length', categories: null }, …] }
 */
export function tabularInputSpec(encoding: TabularEncoding): TabularSpec {
  return {
    kind: 'tabular',
    columns: encoding.columns.map((c) => ({ name: c.name, categories: c.kind === 'categorical' ? [...c.categories] : null })),
  };
}

/**
 * Raw tabular queries → the FP32 tensor data [N, columns] that a template's ONNX
 * graph takes: numbers as they are (NaN when missing, which the graph replaces by
 * the column's mean), a categorical value as its index in the categories (-1 when
 * unknown or missing).
 *
 * @example
 * const data = queriesToTabularTensor(spec, [[5.1, 3.5, 1.4, 0.2]]);
 * new ort.Tensor('float32', data, [1, spec.columns.length]);
 */
export function queriesToTabularTensor(spec: TabularSpec, queries: unknown[]): Float32Array {
  const names = spec.columns.map((c) => c.name);
  const indexes = spec.columns.map((c) => (c.categories ? new Map(c.categories.map((category, i) => [category, i])) : null));
  const x = new Float32Array(queries.length * names.length);
  queries.forEach((query, q) => {
    rawValues(names, query, q).forEach((value, j) => {
      const index = indexes[j];
      let cell: number;
      if (index) {
        const text = categoryText(value);
        cell = text === null ? -1 : (index.get(text) ?? -1);
      } else {
        const number = numericValue(value);
        if (Number.isNaN(number)) throw new QueryError(q, `feature "${names[j]}": ${notNumeric(value)}`);
        cell = number ?? Number.NaN;
      }
      x[q * names.length + j] = cell;
    });
  });
  return x;
}

/** A query's values in column order; what the query lacks is undefined (missing). */
function rawValues(names: string[], query: unknown, q: number): RawValue[] {
  let values: unknown[];
  if (Array.isArray(query)) {
    if (query.length !== names.length) {
      throw new QueryError(q, `has ${query.length} values but the model takes ${names.length} features (${names.join(', ')})`);
    }
    values = query;
  } else if (query !== null && typeof query === 'object') {
    const record = query as TabularQuery & Record<string, unknown>;
    const unknown = Object.keys(record).find((key) => !names.includes(key));
    if (unknown !== undefined) throw new QueryError(q, `has an unknown feature "${unknown}" (the features are ${names.join(', ')})`);
    values = names.map((name) => record[name]);
  } else {
    throw new QueryError(q, `must be an object of feature → value or an array of values in column order, not ${JSON.stringify(query)}`);
  }
  values.forEach((value, j) => {
    if (value !== null && value !== undefined && typeof value !== 'number' && typeof value !== 'string') {
      throw new QueryError(q, `feature "${names[j]}": ${JSON.stringify(value)} is neither a number nor text`);
    }
  });
  return values as RawValue[];
}
