import { describe, expect, test } from 'bun:test';
import { jpg, png, text, zip } from '../../../test/fixtures/datasets.ts';
import { DatasetError } from './errors.ts';
import { loadImageDataset } from './images.ts';

const black = png(2, 2, () => 0);
const white = png(2, 2, () => 255);

async function failure(promise: Promise<unknown>): Promise<DatasetError> {
  const error = await promise.then(() => null, (err: unknown) => err);
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

describe('loadImageDataset', () => {
  test('grey and colour PNG and JPEG images of any size, resized per shape', async () => {
    const bytes = zip({
      'images.csv': 'path,class\nimgs/a.png,cat\nimgs/b.jpg,dog\nc.png,cat\n',
      'imgs/a.png': png(4, 4, (x) => (x < 2 ? 0 : 255)),
      'imgs/b.jpg': jpg(8, 8, () => [255, 0, 0]),
      'c.png': png(2, 2, () => [0, 0, 255]),
    });
    const data = await loadImageDataset(bytes);
    expect(data.size).toBe(3);
    expect(data.classes).toEqual(['cat', 'dog']);
    expect([...data.y]).toEqual([0, 1, 0]);

    const grey = data.images({ height: 2, width: 2, channels: 1 });
    expect(grey.length).toBe(3 * 4);
    // Shrinking averages: the left half of image a is black, the right half white.
    expect([...grey.subarray(0, 4)]).toEqual([0, 1, 0, 1]);
    // Colour becomes luminance: red is 0.299 (JPEG is lossy, hence the tolerance).
    for (const v of grey.subarray(4, 8)) expect(v).toBeCloseTo(0.299, 1);
    for (const v of grey.subarray(8, 12)) expect(v).toBeCloseTo(0.114, 4);

    const rgb = data.images({ height: 3, width: 3, channels: 3 });
    expect(rgb.length).toBe(3 * 27);
    // Grey copies into each channel; the blue image stays blue when enlarged.
    expect([...rgb.subarray(0, 3)]).toEqual([0, 0, 0]);
    expect([...rgb.subarray(54, 57)]).toEqual([0, 0, 1]);
    expect(data.images({ height: 3, width: 3, channels: 3 })).toBe(rgb);
    expect(() => data.images({ height: 0, width: 3, channels: 3 })).toThrow('positive integer height');
  });

  test('images.csv may sit in the zip\'s one top-level folder; numeric classes sort numerically', async () => {
    const bytes = zip({ 'digits/images.csv': 'path,class\n./x.png,10\ny.png,9\n', 'digits/x.png': black, 'digits/y.png': white });
    const data = await loadImageDataset(bytes);
    expect(data.classes).toEqual(['9', '10']);
    expect([...data.y]).toEqual([1, 0]);
  });

  test('a validation set shares the training classes, and an unseen class is an error', async () => {
    const train = await loadImageDataset(zip({ 'images.csv': 'path,class\na.png,a\nb.png,b\n', 'a.png': black, 'b.png': white }));
    const val = await loadImageDataset(zip({ 'images.csv': 'path,class\nb.png,b\n', 'b.png': white }), {}, train);
    expect(val.classes).toEqual(['a', 'b']);
    expect([...val.y]).toEqual([1]);
    const error = await failure(loadImageDataset(zip({ 'images.csv': 'path,class\nc.png,c\n', 'c.png': white }), { name: 'val.zip' }, train));
    expect(error.message).toBe('val.zip: images.csv, line 2, column "class": the class "c" is not one of the training set\'s classes (a, b)');
  });

  test('malformed zips are errors naming the file, the line and the column', async () => {
    const truncatedPng = png(8, 8, (x, y) => (x * y) % 256).subarray(0, 60);
    const truncatedJpg = jpg(16, 16, (x, y) => [x * 16, y * 16, 0]).subarray(0, 200);
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), 'data.zip: the file is empty'],
      [text('path,class\na.png,x\n'), 'data.zip: this is not a zip file'],
      [text('PK\u0003\u0004garbage'), 'data.zip: not a readable zip file'],
      [zip({ 'a.png': black }), 'data.zip: the zip has no images.csv at its root'],
      [zip({ 'images.csv': '' }), 'data.zip: images.csv: the file is empty'],
      [zip({ 'images.csv': 'path,class\n' }), 'data.zip: images.csv: images.csv lists no images'],
      [zip({ 'images.csv': 'file,label\na.png,x\n', 'a.png': black }), 'data.zip: images.csv, line 1: the header must name the columns "path" and "class"'],
      [zip({ 'images.csv': 'path,class\na.png,x\nb.png,y\n', 'a.png': black }), 'data.zip: images.csv, line 3, column "path": "b.png" is not in the zip'],
      [zip({ 'images.csv': 'path,class\na.png,\n', 'a.png': black }), 'data.zip: images.csv, line 2, column "class": the class is missing'],
      [zip({ 'images.csv': 'path,class\na.png\n', 'a.png': black }), 'data.zip: images.csv, line 2: this row has 1 value but the header names 2 columns'],
      [zip({ 'images.csv': 'path,class\na.png,x\n', 'a.png': 'not an image' }), 'data.zip: a.png: not a readable image (not a PNG or JPEG image)'],
      [zip({ 'images.csv': 'path,class\na.png,x\n', 'a.png': truncatedPng }), 'data.zip: a.png: not a readable image ('],
      [zip({ 'images.csv': 'path,class\na.jpg,x\n', 'a.jpg': truncatedJpg }), 'data.zip: a.jpg: not a readable image ('],
    ];
    for (const [bytes, message] of cases) {
      const error = await failure(loadImageDataset(bytes, { name: 'data.zip' }));
      expect(error.message).toStartWith(message);
    }
  });

  test('image and zip bombs are refused from their headers, before anything is decoded or inflated', async () => {
    // A 2×2 PNG and an 8×8 JPEG whose headers claim 20000×20000 and 30000×30000 pixels.
    const bigPng = png(2, 2, () => 0).slice();
    new DataView(bigPng.buffer).setUint32(16, 20_000);
    new DataView(bigPng.buffer).setUint32(20, 20_000);
    const bigJpg = jpg(8, 8, () => [255, 0, 0]).slice();
    const sof = bigJpg.findIndex((b, i) => b === 0xff && bigJpg[i + 1] === 0xc0);
    new DataView(bigJpg.buffer).setUint16(sof + 5, 30_000);
    new DataView(bigJpg.buffer).setUint16(sof + 7, 30_000);
    const png20k = await failure(loadImageDataset(zip({ 'images.csv': 'path,class\na.png,x\n', 'a.png': bigPng }), { name: 'data.zip' }));
    expect(png20k.message).toBe('data.zip: a.png: not a readable image (it is 20000×20000 pixels; at most 25,000,000 pixels an image are accepted); PNG or JPEG images are expected');
    const jpg30k = await failure(loadImageDataset(zip({ 'images.csv': 'path,class\na.jpg,x\n', 'a.jpg': bigJpg }), { name: 'data.zip' }));
    expect(jpg30k.message).toContain('it is 30000×30000 pixels');
    // A zip whose directory says an entry inflates to 3.75 GB.
    const bomb = zip({ 'images.csv': 'path,class\na.png,x\n', 'a.png': black });
    const view = new DataView(bomb.buffer, bomb.byteOffset, bomb.byteLength);
    for (let at = 0; at + 51 < bomb.length; at++) {
      if (view.getUint32(at, true) === 0x02014b50 && new TextDecoder().decode(bomb.subarray(at + 46, at + 51)) === 'a.png') view.setUint32(at + 24, 0xf000_0000, true);
    }
    const inflated = await failure(loadImageDataset(bomb, { name: 'data.zip' }));
    expect(inflated.message).toBe('data.zip: a.png: is 3840 MB uncompressed; a file in the zip may have at most 256 MB');
  });
});
