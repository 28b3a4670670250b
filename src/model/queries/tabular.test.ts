import { describe, expect, test } from 'bun:test';
import { text } from '../../../test/fixtures/datasets.ts';
import { loadTabularDataset } from '../datasets/tabular.ts';
import { QueryError } from './errors.ts';
import { encodeTabularQueries, queriesToTabularTensor, tabularInputSpec } from './tabular.ts';

const train = await loadTabularDataset(text('size,colour,label\n1,red,a\n3,blue,b\n5,red,a\n'), { task: 'TABULAR_CLASSIFICATION' });
const std = Math.sqrt(8 / 3);

describe('tabular queries', () => {
  test('objects and arrays encode exactly as the training rows did', () => {
    const fromQueries = encodeTabularQueries(train.encoding, [{ size: 1, colour: 'red' }, ['3', 'blue'], [5, 'red']]);
    expect(fromQueries).toEqual(train.x);
  });

  test('missing values and unknown categories', () => {
    const x = encodeTabularQueries(train.encoding, [{ colour: 'green' }, [null, null], { size: ' ', colour: '' }]);
    expect([...x]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(encodeTabularQueries(train.encoding, [{ size: 4, colour: 'blue' }])[0]).toBeCloseTo(1 / std, 6);
  });

  test('bad queries name the query and the feature', () => {
    const bad: [unknown, string][] = [
      [{ size: 'big', colour: 'red' }, 'query 1: feature "size": "big" is not a number, and this column is numeric'],
      [{ size: 1, color: 'red' }, 'query 1: has an unknown feature "color" (the features are size, colour)'],
      [[1], 'query 1: has 1 values but the model takes 2 features (size, colour)'],
      ['1,red', 'query 1: must be an object of feature → value or an array of values in column order'],
      [null, 'query 1: must be an object'],
      [[true, 'red'], 'query 1: feature "size": true is neither a number nor text'],
      [[Infinity, 'red'], 'query 1: feature "size": Infinity is beyond what float32 holds (±3.4e38)'],
      [['1e39', 'red'], 'query 1: feature "size": "1e39" is beyond what float32 holds (±3.4e38)'],
    ];
    for (const [query, message] of bad) {
      const error = (() => { try { encodeTabularQueries(train.encoding, [[1, 'red'], query]); } catch (err) { return err; } })();
      expect(error).toBeInstanceOf(QueryError);
      expect((error as Error).message).toStartWith(message);
    }
  });

  test('the ONNX input spec and tensor: raw numbers, category indices, NaN and -1 when missing', () => {
    const spec = tabularInputSpec(train.encoding);
    expect(spec).toEqual({ kind: 'tabular', columns: [{ name: 'size', categories: null }, { name: 'colour', categories: ['blue', 'red'] }] });
    const data = queriesToTabularTensor(spec, [{ size: 2.5, colour: 'red' }, ['7', 'blue'], { colour: 'green' }, [null, null]]);
    expect([...data]).toEqual([2.5, 1, 7, 0, NaN, -1, NaN, -1]);
    expect(() => queriesToTabularTensor(spec, [['x', 'red']])).toThrow('query 0: feature "size": "x" is not a number');
  });
});
