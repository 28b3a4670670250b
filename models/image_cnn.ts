/**
 * A small convolutional network for image classification: each image resized to
 * imageSize × imageSize grey pixels (randomly shifted in training), two convolution + 2×2 max-pooling + ReLU
 * stages (the second with twice the filters), a dense ReLU layer with dropout,
 * softmax probabilities. Exports ONNX taking [N, H, W, 1] pixels 0–255.
 */
import { adamCosine, ImageClassifier, knobs, type Layer, type Recipe } from 'rafiki/model';

interface CnnKnobs {
  imageSize: number; shift: number; filters: number; kernel: number; denseUnits: number; dropout: number;
  learningRate: number; weightDecay: number; batchSize: number; epochs: number;
}

export class ImageCnn extends ImageClassifier {
  static override knobConfig = {
    imageSize: knobs.fixed(28),
    // Augmentation: training images move by up to this many pixels.
    shift: knobs.categorical([0, 1, 2]),
    filters: knobs.integer(8, 24, { log: true }),
    kernel: knobs.categorical([3, 5]),
    denseUnits: knobs.integer(32, 256, { log: true }),
    dropout: knobs.float(0, 0.5),
    learningRate: knobs.float(1e-4, 1e-2, { log: true }),
    weightDecay: knobs.float(1e-6, 1e-3, { log: true }),
    batchSize: knobs.categorical([32, 64, 128]),
    // The resource: the Advisor may stop a trial after fewer epochs.
    epochs: knobs.integer(2, 12),
  };

  protected recipe(): Recipe {
    const k = this.knobs as unknown as CnnKnobs;
    // Pooling before the ReLU gives the same result on a quarter of the values.
    const stage = (filters: number): Layer[] => [
      { type: 'conv2d', filters, kernel: k.kernel }, { type: 'maxPool', size: 2 }, { type: 'relu' },
    ];
    return {
      layers: [
        { type: 'randomShift', pixels: k.shift },
        ...stage(k.filters), ...stage(2 * k.filters), { type: 'flatten' },
        { type: 'dense', units: k.denseUnits }, { type: 'relu' }, { type: 'dropout', rate: k.dropout },
      ],
      fit: adamCosine(k),
    };
  }
}
