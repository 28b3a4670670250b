/**
 * A multi-layer perceptron for tabular regression. Targets are standardised for
 * training (so one learning-rate range suits any scale) and restored on output,
 * in `predict` and inside the exported ONNX graph alike.
 */
import {
  Model, createNetwork, encodeTabularQueries, fitWithReports, knobs, networkFromParams, networkParams, r2Score,
  type Dataset, type JsonValue, type Layer, type Network, type Params, type TabularEncoding, type TabularQuery, type TrainContext,
} from 'rafiki/model';

interface MlpKnobs {
  hiddenLayers: number; hiddenUnits: number; activation: 'relu' | 'tanh'; dropout: number;
  learningRate: number; weightDecay: number; batchSize: number; epochs: number;
}

export class TabularMlpRegressor extends Model<TabularQuery, number> {
  static override tasks = ['TABULAR_REGRESSION'] as const;
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

  private state: { net: Network; encoding: TabularEncoding; target: { mean: number; std: number } } | null = null;

  async train(data: Dataset, ctx: TrainContext): Promise<void> {
    if (data.kind !== 'tabular') throw new Error(`TabularMlpRegressor trains on tabular data, got ${data.kind}`);
    const k = this.knobs as unknown as MlpKnobs;
    const hidden = Array.from({ length: k.hiddenLayers }, (): Layer[] => [
      { type: 'dense', units: k.hiddenUnits }, { type: k.activation }, { type: 'dropout', rate: k.dropout },
    ]).flat();
    const net = createNetwork({ input: [data.encoding.width], layers: [...hidden, { type: 'dense', units: 1 }], loss: 'mse' }, { seed: 1 });
    const target = meanAndStd(data.y);
    this.state = { net, encoding: data.encoding, target };
    const y = data.y.map((v) => (v - target.mean) / target.std);
    await fitWithReports(net, data.x, y, {
      epochs: k.epochs, batchSize: k.batchSize, seed: 1, schedule: 'cosine',
      optimizer: { type: 'adam', learningRate: k.learningRate, weightDecay: k.weightDecay },
      ctx, scoreName: 'r2', score: r2Score,
    });
  }

  async evaluate(data: Dataset): Promise<number> {
    if (data.kind !== 'tabular') throw new Error(`TabularMlpRegressor evaluates on tabular data, got ${data.kind}`);
    return r2Score(await this.values(data.x), data.y);
  }

  async predict(queries: TabularQuery[]): Promise<number[]> {
    return Array.from(await this.values(encodeTabularQueries(this.trained().encoding, queries)));
  }

  dumpParameters(): Params {
    const { net, encoding, target } = this.trained();
    return { ...networkParams(net), encoding: encoding as unknown as JsonValue, targetMean: target.mean, targetStd: target.std };
  }

  loadParameters(params: Params): void {
    this.state = {
      net: networkFromParams(params),
      encoding: params.encoding as unknown as TabularEncoding,
      target: { mean: params.targetMean as number, std: params.targetStd as number },
    };
  }

  override toOnnx(): Uint8Array {
    const { net, encoding, target } = this.trained();
    return net.toOnnx({ input: { kind: 'tabular', encoding }, target });
  }

  private async values(x: Float32Array): Promise<Float32Array> {
    const { net, target } = this.trained();
    return (await net.predict(x)).map((v) => v * target.std + target.mean);
  }

  private trained() {
    if (!this.state) throw new Error('TabularMlpRegressor is not trained: call train or loadParameters first');
    return this.state;
  }
}

function meanAndStd(values: Float32Array): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length);
  return { mean, std: Math.sqrt(variance) || 1 };
}
