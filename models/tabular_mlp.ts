/**
 * A multi-layer perceptron for tabular classification: the loader's standardised
 * and one-hot features in, softmax probabilities per class out. Trained with Adam
 * in onnxruntime; exports ONNX with the preprocessing inside.
 */
import {
  Model, accuracy, createNetwork, encodeTabularQueries, fitWithReports, knobs, networkFromParams, networkParams, toRows,
  type Dataset, type JsonValue, type Layer, type Network, type Params, type TabularEncoding, type TabularQuery, type TrainContext,
} from 'rafiki/model';

interface MlpKnobs {
  hiddenLayers: number; hiddenUnits: number; activation: 'relu' | 'tanh'; dropout: number;
  learningRate: number; weightDecay: number; batchSize: number; epochs: number;
}

export class TabularMlp extends Model<TabularQuery, number[]> {
  static override tasks = ['TABULAR_CLASSIFICATION'] as const;
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

  private state: { net: Network; encoding: TabularEncoding; classes: string[] } | null = null;

  async train(data: Dataset, ctx: TrainContext): Promise<void> {
    if (data.kind !== 'tabular') throw new Error(`TabularMlp trains on tabular data, got ${data.kind}`);
    const k = this.knobs as unknown as MlpKnobs;
    const hidden = Array.from({ length: k.hiddenLayers }, (): Layer[] => [
      { type: 'dense', units: k.hiddenUnits }, { type: k.activation }, { type: 'dropout', rate: k.dropout },
    ]).flat();
    const net = createNetwork({
      input: [data.encoding.width],
      layers: [...hidden, { type: 'dense', units: data.classes.length }],
      loss: 'softmaxCrossEntropy',
    }, { seed: 1 });
    this.state = { net, encoding: data.encoding, classes: data.classes };
    await fitWithReports(net, data.x, data.y, {
      epochs: k.epochs, batchSize: k.batchSize, seed: 1, schedule: 'cosine',
      optimizer: { type: 'adam', learningRate: k.learningRate, weightDecay: k.weightDecay },
      ctx, scoreName: 'accuracy', score: accuracy,
    });
  }

  async evaluate(data: Dataset): Promise<number> {
    if (data.kind !== 'tabular') throw new Error(`TabularMlp evaluates on tabular data, got ${data.kind}`);
    return accuracy(await this.trained().net.predict(data.x), data.y);
  }

  async predict(queries: TabularQuery[]): Promise<number[][]> {
    const { net, encoding, classes } = this.trained();
    return toRows(await net.predict(encodeTabularQueries(encoding, queries)), classes.length);
  }

  dumpParameters(): Params {
    const { net, encoding, classes } = this.trained();
    return { ...networkParams(net), encoding: encoding as unknown as JsonValue, classes };
  }

  loadParameters(params: Params): void {
    this.state = {
      net: networkFromParams(params),
      encoding: params.encoding as unknown as TabularEncoding,
      classes: params.classes as string[],
    };
  }

  override toOnnx(): Uint8Array {
    const { net, encoding } = this.trained();
    return net.toOnnx({ input: { kind: 'tabular', encoding } });
  }

  private trained() {
    if (!this.state) throw new Error('TabularMlp is not trained: call train or loadParameters first');
    return this.state;
  }
}
