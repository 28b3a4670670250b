/**
 * A multi-layer perceptron for tabular regression. Targets are standardised for
 * training (so one learning-rate range suits any scale) and restored on output,
 * in `predict` and inside the exported ONNX graph alike.
 */
import { adamCosine, denseStack, TabularRegressor, knobs, type Recipe } from 'rafiki/model';

interface MlpKnobs {
  hiddenLayers: number; hiddenUnits: number; activation: 'relu' | 'tanh'; dropout: number;
  learningRate: number; weightDecay: number; batchSize: number; epochs: number;
}

export class TabularMlpRegressor extends TabularRegressor {
  static override knobConfig = {
    hiddenLayers: knobs.integer(1, 3),
    hiddenUnits: knobs.integer(8, 256, { log: true }),
    activation: knobs.categorical(['relu', 'tanh']),
    dropout: knobs.float(0, 0.5),
    learningRate: knobs.float(1e-4, 3e-2, { log: true }),
    weightDecay: knobs.float(1e-6, 1e-1, { log: true }),
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
