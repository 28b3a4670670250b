/**
 * A multi-layer perceptron for tabular classification: the loader's standardised
 * and one-hot features in, softmax probabilities per class out. Trained with Adam
 * in onnxruntime; exports ONNX with the preprocessing inside.
 */
import { adamCosine, denseStack, TabularClassifier, knobs, type Recipe } from 'rafiki/model';

interface MlpKnobs {
  hiddenLayers: number; hiddenUnits: number; activation: 'relu' | 'tanh'; dropout: number;
  learningRate: number; weightDecay: number; batchSize: number; epochs: number;
}

export class TabularMlp extends TabularClassifier {
  static override knobConfig = {
    hiddenLayers: knobs.integer(1, 3),
    hiddenUnits: knobs.integer(8, 256, { log: true }),
    activation: knobs.categorical(['relu', 'tanh']),
    dropout: knobs.float(0, 0.5),
    learningRate: knobs.float(1e-4, 1e-1, { log: true }),
    weightDecay: knobs.float(1e-6, 1e-2, { log: true }),
    batchSize: knobs.categorical([16, 32, 64, 128]),
    // The resource: the Advisor may stop a trial after fewer epochs.
    epochs: knobs.integer(20, 200),
  };

  protected recipe(): Recipe {
    const k = this.knobs as unknown as MlpKnobs;
    return {
      layers: denseStack({ count: k.hiddenLayers, units: k.hiddenUnits, activation: k.activation, dropout: k.dropout }),
      fit: adamCosine(k),
    };
  }
}
