import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { text } from '../../../test/fixtures/datasets.ts';
import { DatasetError } from './errors.ts';
import { loadTabularDataset } from './tabular.ts';

const fixtures = join(import.meta.dir, '../../../test/fixtures');
const CLASSIFY = { task: 'TABULAR_CLASSIFICATION' } as const;
const REGRESS = { task: 'TABULAR_REGRESSION' } as const;

async function failure(promise: Promise<unknown>): Promise<DatasetError> {
  const error = await promise.then(() => null, (err: unknown) => err);
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

describe('loadTabularDataset', () => {
  test('iris: standardised features, sorted classes, class indices', async () => {
    const iris = await loadTabularDataset(join(fixtures, 'iris.csv'), CLASSIFY);
    expect(iris.size).toBe(150);
    expect(iris.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(iris.encoding.width).toBe(4);
    expect(iris.encoding.columns.map((c) => c.name)).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    for (let j = 0; j < 4; j++) {
      const column = Array.from({ length: 150 }, (_, i) => iris.x[i * 4 + j]!);
      const mean = column.reduce((a, b) => a + b) / 150;
      const variance = column.reduce((a, b) => a + (b - mean) ** 2, 0) / 150;
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(Math.abs(variance - 1)).toBeLessThan(1e-4);
    }
    expect(iris.y[0]).toBe(0);
    expect(iris.y[149]).toBe(2);
  });

  test('quoted fields, text columns one-hot, missing numbers at the mean, regression targets', async () => {
    const csv = 'size,colour,"note, quoted",price\n1,red,"a ""b""",10\n3,blue,,20\n,red,x,30.5\n';
    const data = await loadTabularDataset(text(csv), { ...REGRESS, features: ['colour', 'size'] });
    const colour = data.encoding.columns[0]!;
    expect(colour).toEqual({ name: 'colour', kind: 'categorical', categories: ['blue', 'red'] });
    expect(data.encoding.columns[1]).toEqual({ name: 'size', kind: 'numeric', mean: 2, std: 1 });
    expect(data.encoding.width).toBe(3);
    expect([...data.x]).toEqual([0, 1, -1, 1, 0, 1, 0, 1, 0]);
    expect([...data.y]).toEqual([10, 20, 30.5]);
    expect(data.classes).toEqual([]);
  });

  test('a byte-order mark, Windows line ends and spaces around values are tolerated', async () => {
    const data = await loadTabularDataset(text('\uFEFFa , label\r\n1, x\r\n3 ,y\r\n'), CLASSIFY);
    expect(data.encoding.columns).toEqual([{ name: 'a', kind: 'numeric', mean: 2, std: 1 }]);
    expect(data.classes).toEqual(['x', 'y']);
  });

  test('numeric labels are sorted numerically; the target may be named', async () => {
    const data = await loadTabularDataset(text('label,a\n10,1\n9,2\n100,3\n9,4\n'), { ...CLASSIFY, target: 'label' });
    expect(data.classes).toEqual(['9', '10', '100']);
    expect([...data.y]).toEqual([1, 0, 2, 0]);
  });

  test('a validation set shares the training set\'s encoding and classes', async () => {
    const train = await loadTabularDataset(text('a,c,label\n0,x,b\n2,y,a\n4,x,c\n'), CLASSIFY);
    const val = await loadTabularDataset(text('a,c,label\n2,z,b\n,x,b\n'), CLASSIFY, train);
    expect(val.encoding).toBe(train.encoding);
    expect(val.classes).toEqual(['a', 'b', 'c']);
    // a: (2 - 2) / std; an unknown category "z" is all zeros; a missing number is the mean.
    expect([...val.x]).toEqual([0, 0, 0, 0, 1, 0]);
    expect([...val.y]).toEqual([1, 1]);
    const unseen = await failure(loadTabularDataset(text('a,c,label\n1,x,d\n'), { ...CLASSIFY, name: 'val.csv' }, train));
    expect(unseen.message).toBe('val.csv, line 2, column "label": the label "d" is not one of the training set\'s classes (a, b, c)');
    const text_ = await failure(loadTabularDataset(text('a,c,label\nabc,x,a\n'), { ...CLASSIFY, name: 'val.csv' }, train));
    expect(text_.message).toBe('val.csv, line 2, column "a": "abc" is not a number, and this column is numeric in the training set');
    const columns = await failure(loadTabularDataset(text('c,a,label\nx,1,a\n'), { ...CLASSIFY, name: 'val.csv' }, train));
    expect(columns.message).toContain('the feature columns are c, a but the training set\'s are a, c');
  });

  test('a stray value that is not a number, in a column of numbers, is refused; a column of words stays categorical', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i / 10},${i % 2 ? 'red' : 'blue'},${i % 2 ? 'a' : 'b'}`);
    rows[59] = `abc,red,a`;
    const typo = await failure(loadTabularDataset(text(`x,colour,label\n${rows.join('\n')}\n`), { ...CLASSIFY, name: 'train.csv' }));
    expect(typo.message).toBe('train.csv, line 61, column "x": "abc" is not a number, while 199 of the column\'s 200 values are; correct it, or leave the cell empty for a missing value');
    // Many words among the numbers: categories, as the file says.
    const mixed = rows.map((row, i) => (i % 3 === 0 ? row.replace(/^[^,]+/, 'none') : row));
    const categorical = await loadTabularDataset(text(`x,colour,label\n${mixed.join('\n')}\n`), CLASSIFY);
    expect(categorical.encoding.columns[0]).toMatchObject({ name: 'x', kind: 'categorical' });
  });

  test('malformed files are errors naming the file, the line and the column', async () => {
    const cases: [string, Parameters<typeof loadTabularDataset>[1], string][] = [
      ['', CLASSIFY, 'bad.csv: the file is empty'],
      ['a,b\n', CLASSIFY, 'bad.csv: the file has a header but no data rows'],
      ['a,b\n1,2\n3\n', CLASSIFY, 'bad.csv, line 3: this row has 1 value but the header names 2 columns'],
      ['a,b\n1,2,3\n', CLASSIFY, 'bad.csv, line 2: this row has 3 values but the header names 2 columns'],
      ['a,b\n1,"open\n', CLASSIFY, 'bad.csv, line 2: not valid CSV: Quote Not Closed'],
      ['a,y\n1,2\n2,lots\n', REGRESS, 'bad.csv, line 3, column "y": the target of a regression must be a number, not "lots"'],
      ['a,y\n1,2\n2,\n', REGRESS, 'bad.csv, line 3, column "y": the target value is missing'],
      ['a,b\n1,2\n', { ...CLASSIFY, target: 'label' }, 'bad.csv: there is no target column "label" (the columns are "a", "b")'],
      ['a,b\n1,2\n', { ...CLASSIFY, features: ['a', 'c'] }, 'bad.csv: there is no feature column "c"'],
      ['a,b\n1,2\n', { ...CLASSIFY, features: ['b'] }, 'bad.csv, column "b": the target column cannot also be a feature'],
      ['a,a,b\n1,2,3\n', CLASSIFY, 'bad.csv, line 1, column "a": this column name appears twice in the header'],
      ['a\n1\n', CLASSIFY, 'bad.csv, line 1: the header names 1 column'],
      ['PK\u0003\u0004rest', CLASSIFY, 'bad.csv: this is a zip file'],
      ['a,b\u0000\n', CLASSIFY, 'bad.csv: this is a binary file'],
    ];
    for (const [csv, options, message] of cases) {
      const error = await failure(loadTabularDataset(text(csv), { ...options, name: 'bad.csv' }));
      expect(error.message).toStartWith(message);
      expect(error.status).toBe(400);
    }
  });

  test('a text column with too many distinct values is refused, pointing at train_args.features', async () => {
    const rows = Array.from({ length: 1002 }, (_, i) => `id${i},${i % 2}`).join('\n');
    const error = await failure(loadTabularDataset(text(`id,label\n${rows}\n`), CLASSIFY));
    expect(error.message).toContain('column "id": this column has more than 1000 distinct feature values');
  });

  test('a file path names the file in errors', async () => {
    const error = await failure(loadTabularDataset(join(fixtures, 'iris.csv'), { ...REGRESS }));
    expect(error.message).toBe('iris.csv, line 2, column "class": the target of a regression must be a number, not "setosa"');
  });
});
