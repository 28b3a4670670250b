import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { png, text, zip } from '../../../test/fixtures/datasets.ts';
import { decodeImage } from './image-decode.ts';
import { PREVIEW_LIMITS } from './preview-limits.ts';
import { describeWithPreview } from './preview.ts';

const fixtures = join(import.meta.dir, '../../../test/fixtures');
const decodeDataUrl = (url: string) => decodeImage(Buffer.from(url.replace(/^data:image\/png;base64,/, ''), 'base64'));

describe('describeWithPreview', () => {
  test('a table: every column with its type, the first rows as the file has them', async () => {
    const { description, preview } = await describeWithPreview(join(fixtures, 'iris.csv'), 'TABULAR_CLASSIFICATION');
    expect(description).toMatchObject({ kind: 'tabular', rows: 150 });
    expect(preview).toEqual({
      kind: 'table',
      columns: [
        { name: 'sepal_length', type: 'numeric' }, { name: 'sepal_width', type: 'numeric' }, { name: 'petal_length', type: 'numeric' },
        { name: 'petal_width', type: 'numeric' }, { name: 'class', type: 'text' },
      ],
      rows: expect.any(Array),
    });
    if (preview.kind !== 'table') throw new Error('unreachable');
    expect(preview.rows).toHaveLength(PREVIEW_LIMITS.rows);
    expect(preview.rows[0]).toEqual(['5.1', '3.5', '1.4', '0.2', 'setosa']);
  });

  test('long cells are cut, and rows stop before their cells hold too much', async () => {
    const long = 'x'.repeat(500);
    const { preview } = await describeWithPreview(text(`a,label\n${long},1\n2,2\n`), 'TABULAR_CLASSIFICATION');
    if (preview.kind !== 'table') throw new Error('unreachable');
    expect(preview.rows[0]![0]).toBe(`${'x'.repeat(PREVIEW_LIMITS.cellChars - 1)}…`);
    expect(preview.rows[1]).toEqual(['2', '2']);

    const wide = Array.from({ length: 2000 }, (_, i) => `c${i}`);
    const row = wide.map(() => '9'.repeat(PREVIEW_LIMITS.cellChars)).join(',');
    const { preview: widePreview } = await describeWithPreview(text(`${wide.join(',')}\n${row}\n${row}\n`), 'TABULAR_REGRESSION');
    if (widePreview.kind !== 'table') throw new Error('unreachable');
    expect(widePreview.columns).toHaveLength(2000);
    expect(widePreview.rows).toEqual([]);
  });

  test('images: every class counted, thumbnails taken from each class in turn and no larger than the limit', async () => {
    // 30 images of class "a" listed before one of "b": a preview of the first images would show only "a".
    const files: Record<string, Uint8Array | string> = {};
    const lines = ['path,class'];
    for (let i = 0; i < 30; i++) {
      files[`a${i}.png`] = png(4, 4, () => i);
      lines.push(`a${i}.png,a`);
    }
    files['b.png'] = png(200, 100, (x) => [x, 0, 255]);
    lines.push('b.png,b');
    files['images.csv'] = `${lines.join('\n')}\n`;
    const { description, preview } = await describeWithPreview(zip(files), 'IMAGE_CLASSIFICATION');
    expect(description).toMatchObject({ kind: 'image', images: 31, classes: ['a', 'b'] });
    if (preview.kind !== 'images') throw new Error('unreachable');
    expect(preview.classes).toEqual([{ label: 'a', count: 30 }, { label: 'b', count: 1 }]);
    expect(preview.samples.map((s) => s.label)).toEqual(['a', 'b', ...Array(PREVIEW_LIMITS.samples - 2).fill('a')]);
    const first = decodeDataUrl(preview.samples[0]!.image);
    expect([first.height, first.width, first.channels, first.data[0]]).toEqual([4, 4, 1, 0]);
    const wide = decodeDataUrl(preview.samples[1]!.image);
    expect([wide.height, wide.width, wide.channels]).toEqual([32, PREVIEW_LIMITS.side, 3]);
  });
});
