/**
 * A multi-layer perceptron for image classification: each image resized to
 * imageSize × imageSize grey pixels, randomly shifted in training, flattened,
 * through ReLU layers with dropout to softmax probabilities. Exports ONNX taking [N, H, W, 1] pixels 0–255.
 */
import { adamCosine, denseStack, ImageClassifier, knobs, type Recipe } from 'rafiki/model';

interface MlpKnobs {
  imageSize: number; shift: number; hiddenLayers: number; hiddenUnits: number; dropout: number;
  learningRate: number; weightDecay: number; batchSize: number; epochs: number;
}

export class ImageMlp extends ImageClassifier {
  static override knobConfig = {
    imageSize: knobs.fixed(28),
    // Augmentation: training images move by up to this many pixels.
    shift: knobs.categorical([0, 1, 2]),
    hiddenLayers: knobs.integer(1, 2),
    hiddenUnits: knobs.integer(64, 512, { log: true }),
    dropout: knobs.float(0, 0.5),
    learningRate: knobs.float(1e-4, 1e-2, { log: true }),
    weightDecay: knobs.float(1e-6, 1e-3, { log: true }),
    batchSize: knobs.categorical([32, 64, 128, 256]),
    // The resource: the Advisor may stop a trial after fewer epochs.
    epochs: knobs.integer(5, 30),
  };

  protected recipe(): Recipe {
    const k = this.knobs as unknown as MlpKnobs;
    const hidden = denseStack({ count: k.hiddenLayers, units: k.hiddenUnits, activation: 'relu', dropout: k.dropout });
    return {
      layers: [{ type: 'randomShift', pixels: k.shift }, { type: 'flatten' }, ...hidden],
      fit: adamCosine(k),
    };
  }
}
