import type { ImageDataset, ImageShape } from '../dataset.ts';
import { DatasetError } from './errors.ts';
import type { Pixels } from './image-decode.ts';
import { readImageZip } from './image-zip.ts';
import { resizeInto } from './resize.ts';
import { sourceName, type DataSource, type SourceOptions } from './source.ts';
import { sortLabels } from './values.ts';

/** What a validation set takes from its training set: the classes and their order. */
export type ImageTraining = Pick<ImageDataset, 'classes'>;

/**
 * Loads an image dataset: a zip with `images.csv` (`path,class`) and PNG or JPEG
 * files, grey or colour, of any size. The decoded pixels are kept; `images(shape)`
 * resizes them all to one shape (cached per shape). Classes are the sorted labels,
 * or the training set's for a validation set.
 *
 * @example
 * const train = await loadImageDataset('digits.zip');
 * const x = train.images({ height: 28, width: 28, channels: 1 }); // NHWC, 0–1
 */
export async function loadImageDataset(source: DataSource, options: SourceOptions = {}, training?: ImageTraining): Promise<ImageDataset> {
  const file = sourceName(source, options);
  const pixels: Pixels[] = [];
  const labels: { label: string; line: number }[] = [];
  for await (const image of readImageZip(source, file)) {
    pixels.push(image.pixels);
    labels.push(image);
  }
  const classes = training?.classes ?? sortLabels(new Set(labels.map((l) => l.label)));
  const classIndex = new Map(classes.map((label, i) => [label, i]));
  const y = Float32Array.from(labels, ({ label, line }) => {
    const index = classIndex.get(label);
    if (index === undefined) {
      throw new DatasetError({ file: `${file}: images.csv`, line, column: 'class' }, `the class "${label}" is not one of the training set's classes (${classes.join(', ')})`);
    }
    return index;
  });
  const cache = new Map<string, Float32Array>();
  return {
    kind: 'image',
    task: 'IMAGE_CLASSIFICATION',
    size: pixels.length,
    y,
    classes,
    images(shape) {
      checkShape(shape);
      const key = `${shape.height}x${shape.width}x${shape.channels}`;
      let x = cache.get(key);
      if (!x) {
        const size = shape.height * shape.width * shape.channels;
        x = new Float32Array(pixels.length * size);
        for (let i = 0; i < pixels.length; i++) resizeInto(pixels[i]!, shape, x, i * size, 1 / 255);
        cache.set(key, x);
      }
      return x;
    },
  };
}

export function checkShape(shape: ImageShape): void {
  const { height, width, channels } = shape;
  if (!Number.isInteger(height) || height < 1 || !Number.isInteger(width) || width < 1 || (channels !== 1 && channels !== 3)) {
    throw new RangeError(`an image shape needs a positive integer height and width and 1 or 3 channels, not ${JSON.stringify(shape)}`);
  }
}
