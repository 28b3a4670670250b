/**
 * Softmax (multinomial logistic) regression for tabular classification: one
 * dense layer from the loader's standardised and one-hot features to class
 * logits, trained with Adam or SGD with momentum in onnxruntime; exports ONNX
 * with the preprocessing inside.
 */
import {
  Model, accuracy, createNetwork, encodeTabularQueries, fitWithReports, knobs, networkFromParams, networkParams, toRows,
  type Dataset, type JsonValue, type Network, type Params, type TabularEncoding, type TabularQuery, type TrainContext,
} from 'rafiki/model';

interface SoftmaxKnobs {
  optimizer: 'adam' | 'sgd'; learningRate: number; weightDecay: number; batchSize: number; epochs: number;
}

export class SoftmaxRegression extends Model<TabularQuery, number[]> {
  static override tasks = ['TABULAR_CLASSIFICATION'] as const;
  static override knobConfig = {
    optimizer: knobs.categorical(['adam', 'sgd']),
    learningRate: knobs.float(5e-3, 0.5, { log: true }),
    weightDecay: knobs.float(1e-6, 1e-1, { log: true }),
    batchSize: knobs.categorical([16, 32, 64, 128]),
    // The resource: the Advisor may stop a trial after fewer epochs.
    epochs: knobs.integer(20, 200),
  };

  private state: { net: Network; encoding: TabularEncoding; classes: string[] } | null = null;

  async train(data: Dataset, ctx: TrainContext): Promise<void> {
    if (data.kind !== 'tabular') throw new Error(`SoftmaxRegression trains on tabular data, got ${data.kind}`);
    const k = this.knobs as unknown as SoftmaxKnobs;
    const net = createNetwork({
      input: [data.encoding.width],
      layers: [{ type: 'dense', units: data.classes.length }],
      loss: 'softmaxCrossEntropy',
    }, { seed: 1 });
    this.state = { net, encoding: data.encoding, classes: data.classes };
    await fitWithReports(net, data.x, data.y, {
      epochs: k.epochs, batchSize: k.batchSize, seed: 1, schedule: 'cosine',
      optimizer: k.optimizer === 'sgd'
        ? { type: 'sgd', learningRate: k.learningRate, momentum: 0.9, weightDecay: k.weightDecay }
        : { type: 'adam', learningRate: k.learningRate, weightDecay: k.weightDecay },
      ctx, scoreName: 'accuracy', score: accuracy,
    });
  }

  async evaluate(data: Dataset): Promise<number> {
    if (data.kind !== 'tabular') throw new Error(`SoftmaxRegression evaluates on tabular data, got ${data.kind}`);
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
    if (!this.state) throw new Error('SoftmaxRegression is not trained: call train or loadParameters first');
    return this.state;
  }
}
