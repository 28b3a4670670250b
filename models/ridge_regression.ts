/**
 * Ridge regression for tabular data, solved in closed form (no learning rate, no
 * epochs: the regularisation strength is the knob). The solution is kept as a
 * one-layer network so that prediction and ONNX export share the engine's path.
 */
import {
  Model, encodeTabularQueries, knobs, Network, networkFromParams, networkParams, r2Score, solveRidge,
  type Dataset, type JsonValue, type Params, type TabularEncoding, type TabularQuery, type TrainContext,
} from 'rafiki/model';

export class RidgeRegression extends Model<TabularQuery, number> {
  static override tasks = ['TABULAR_REGRESSION'] as const;
  static override knobConfig = {
    alpha: knobs.float(1e-4, 1e3, { log: true }),
  };

  private state: { net: Network; encoding: TabularEncoding } | null = null;

  async train(data: Dataset, ctx: TrainContext): Promise<void> {
    if (data.kind !== 'tabular') throw new Error(`RidgeRegression trains on tabular data, got ${data.kind}`);
    const alpha = this.knobs.alpha as number;
    const { weights, bias } = solveRidge(data.x, data.y, { alpha });
    const net = new Network(
      { input: [data.encoding.width], layers: [{ type: 'dense', units: 1 }], loss: 'mse' },
      { 'layer0.weight': weights, 'layer0.bias': Float32Array.of(bias) },
    );
    this.state = { net, encoding: data.encoding };
    const r2 = r2Score(await net.predict(data.x), data.y);
    ctx.log({ alpha, r2 });
    await ctx.report({ step: 1, score: r2 });
  }

  async evaluate(data: Dataset): Promise<number> {
    if (data.kind !== 'tabular') throw new Error(`RidgeRegression evaluates on tabular data, got ${data.kind}`);
    return r2Score(await this.trained().net.predict(data.x), data.y);
  }

  async predict(queries: TabularQuery[]): Promise<number[]> {
    const { net, encoding } = this.trained();
    return Array.from(await net.predict(encodeTabularQueries(encoding, queries)));
  }

  dumpParameters(): Params {
    const { net, encoding } = this.trained();
    return { ...networkParams(net), encoding: encoding as unknown as JsonValue };
  }

  loadParameters(params: Params): void {
    this.state = { net: networkFromParams(params), encoding: params.encoding as unknown as TabularEncoding };
  }

  override toOnnx(): Uint8Array {
    const { net, encoding } = this.trained();
    return net.toOnnx({ input: { kind: 'tabular', encoding } });
  }

  private trained() {
    if (!this.state) throw new Error('RidgeRegression is not trained: call train or loadParameters first');
    return this.state;
  }
}
