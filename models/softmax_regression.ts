/**
 * Softmax (multinomial logistic) regression for tabular classification: one
 * dense layer from the loader's standardised and one-hot features to class
 * logits, trained with Adam or SGD with momentum in onnxruntime; exports ONNX
 * with the preprocessing inside.
 */
import { TabularClassifier, knobs, type Recipe } from 'rafiki/model';

interface SoftmaxKnobs {
  optimizer: 'adam' | 'sgd'; learningRate: number; weightDecay: number; batchSize: number; epochs: number;
}

export class SoftmaxRegression extends TabularClassifier {
  static override knobConfig = {
    optimizer: knobs.categorical(['adam', 'sgd']),
    learningRate: knobs.float(5e-3, 0.5, { log: true }),
    weightDecay: knobs.float(1e-6, 1e-1, { log: true }),
    batchSize: knobs.categorical([16, 32, 64, 128]),
    // The resource: the Advisor may stop a trial after fewer epochs.
    epochs: knobs.integer(20, 200),
  };

  protected recipe(): Recipe {
    const k = this.knobs as unknown as SoftmaxKnobs;
    return {
      // No hidden layer: the output layer alone is the linear model.
      layers: [],
      fit: {
        epochs: k.epochs, batchSize: k.batchSize, seed: 1, schedule: 'cosine',
        optimizer: k.optimizer === 'sgd'
          ? { type: 'sgd', learningRate: k.learningRate, momentum: 0.9, weightDecay: k.weightDecay }
          : { type: 'adam', learningRate: k.learningRate, weightDecay: k.weightDecay },
      },
    };
  }
}
