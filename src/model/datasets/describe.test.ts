import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { jpg, png, text, zip } from '../../../test/fixtures/datasets.ts';
import { describeDataset } from './describe.ts';
import { DatasetError } from './errors.ts';

const fixtures = join(import.meta.dir, '../../../test/fixtures');

describe('describeDataset', () => {
  test('a CSV file: rows, columns and classes', async () => {
    const wine = await describeDataset(join(fixtures, 'wine.csv'), 'TABULAR_CLASSIFICATION');
    expect(wine).toMatchObject({ kind: 'tabular', rows: 178, target: 'class', classes: ['class_0', 'class_1', 'class_2'] });
    if (wine.kind !== 'tabular') throw new Error('unreachable');
    expect(wine.columns.length).toBe(14);
    expect(wine.columns[0]).toEqual({ name: 'alcohol', type: 'numeric', missing: 0, distinct: 126 });
    expect(wine.columns[13]).toMatchObject({ name: 'class', type: 'text', distinct: 3 });
    const diabetes = await describeDataset(join(fixtures, 'diabetes.csv'), 'TABULAR_REGRESSION');
    expect(diabetes).toMatchObject({ rows: 442, target: 'progression', classes: [] });
  });

  test('an image zip: count, classes, sizes', async () => {
    const bytes = zip({ 'images.csv': 'path,class\na.png,b\nb.jpg,a\n', 'a.png': png(3, 5, () => 9), 'b.jpg': jpg(7, 2, () => [200, 10, 10]) });
    expect(await describeDataset(bytes, 'IMAGE_CLASSIFICATION')).toEqual({
      kind: 'image', task: 'IMAGE_CLASSIFICATION', images: 2, classes: ['a', 'b'], height: { min: 2, max: 5 }, width: { min: 3, max: 7 }, colour: true,
    });
  });

  test('a file of the wrong format for its task is refused with a clear message', async () => {
    const csv = join(fixtures, 'iris.csv');
    await expect(describeDataset(csv, 'IMAGE_CLASSIFICATION')).rejects.toThrow('iris.csv: this is not a zip file');
    await expect(describeDataset(csv, 'TABULAR_REGRESSION')).rejects.toThrow(DatasetError);
    await expect(describeDataset(zip({ 'images.csv': 'x' }), 'TABULAR_CLASSIFICATION', { name: 'upload' })).rejects.toThrow('upload: this is a zip file');
    await expect(describeDataset(text('a,b\n1,2\n'), 'TABULAR_CLASSIFICATION', { target: 'c' })).rejects.toThrow('there is no target column "c"');
  });
});
