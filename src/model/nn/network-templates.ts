/**
 * Templates whose trained state is one Network: evaluating, predicting, saving,
 * loading and exporting ONNX are the same for all of them, so a template says
 * only which layers to train and how. The built-in templates extend these; so
 * can anyone's (they are part of `rafiki/model`).
 *
 * @example
 * export class Wide extends TabularClassifier {
 *   static override knobConfig = { units: knobs.integer(8, 256, { log: true }), epochs: knobs.integer(10, 100) };
 *   protected recipe() {
 *     const k = this.knobs as { units: number; epochs: number };
 *     return { layers: [{ type: 'dense', units: k.units }, { type: 'relu' }],
 *              fit: { epochs: k.epochs, batchSize: 32, optimizer: { type: 'adam', learningRate: 0.01 } } };
 *   }
 * }
 */
import type { Dataset, ImageQuery, ImageShape, TabularEncoding, TabularQuery } from '../dataset.ts';
import { Model, type JsonValue, type Params, type TrainContext } from '../model.ts';
import { imageQueriesToTensor } from '../queries/image.ts';
import { encodeTabularQueries } from '../queries/tabular.ts';
import type { Task } from '../task.ts';
import { fitWithReports } from './fit-reporting.ts';
import { accuracy, r2Score, toRows } from './metrics.ts';
import { createNetwork, type FitOptions, type Network } from './network.ts';
import { networkFromParams, networkParams } from './params.ts';
import type { Layer } from './spec.ts';

/** The layers between the input and the output layer (which is added), and how to fit them. */
export interface Recipe {
  layers: Layer[];
  fit: Omit<FitOptions, 'onEpoch'>;
}

/**
 * `count` hidden layers of `units`, each followed by its activation and dropout.
 *
 * @example
 * denseStack({ count: 2, units: 128, activation: 'relu', dropout: 0.2 })
 */
export function denseStack({ count, units, activation, dropout = 0 }: { count: number; units: number; activation: 'relu' | 'tanh' | 'sigmoid'; dropout?: number }): Layer[] {
  return Array.from({ length: count }, (): Layer[] => [{ type: 'dense', units }, { type: activation }, { type: 'dropout', rate: dropout }]).flat();
}

/**
 * How the built-in templates fit: Adam with weight decay, the learning rate
 * annealed on a cosine over the epochs, a fixed shuffling seed.
 */
export function adamCosine(k: { epochs: number; batchSize: number; learningRate: number; weightDecay: number }): Recipe['fit'] {
  return { epochs: k.epochs, batchSize: k.batchSize, seed: 1, schedule: 'cosine', optimizer: { type: 'adam', learningRate: k.learningRate, weightDecay: k.weightDecay } };
}

/** Seeds the initial weights: the same knobs train the same model. */
const WEIGHTS_SEED = 1;

function requireKind<K extends Dataset['kind']>(model: Model, data: Dataset, kind: K, action: string): asserts data is Extract<Dataset, { kind: K }> {
  if (data.kind !== kind) throw new Error(`${model.constructor.name} ${action} on ${kind} data, got ${data.kind}`);
}

abstract class NetworkModel<Query, Prediction, State extends { net: Network }> extends Model<Query, Prediction> {
  protected state: State | null = null;

  protected trained(): State {
    if (!this.state) throw new Error(`${this.constructor.name} is not trained: call train or loadParameters first`);
    return this.state;
  }
}

/** Standardised and one-hot features in, softmax probabilities per class out. */
export abstract class TabularClassifier extends NetworkModel<TabularQuery, number[], { net: Network; encoding: TabularEncoding; classes: string[] }> {
  static override tasks: readonly Task[] = ['TABULAR_CLASSIFICATION'];

  protected abstract recipe(): Recipe;

  async train(data: Dataset, ctx: TrainContext): Promise<void> {
    requireKind(this, data, 'tabular', 'trains');
    const { layers, fit } = this.recipe();
    const net = createNetwork({ input: [data.encoding.width], layers: [...layers, { type: 'dense', units: data.classes.length }], loss: 'softmaxCrossEntropy' }, { seed: WEIGHTS_SEED });
    this.state = { net, encoding: data.encoding, classes: data.classes };
    await fitWithReports(net, data.x, data.y, { ...fit, ctx, scoreName: 'accuracy', score: accuracy });
  }

  async evaluate(data: Dataset): Promise<number> {
    requireKind(this, data, 'tabular', 'evaluates');
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
    this.state = { net: networkFromParams(params), encoding: params.encoding as unknown as TabularEncoding, classes: params.classes as string[] };
  }

  override toOnnx(): Uint8Array {
    const { net, encoding } = this.trained();
    return net.toOnnx({ input: { kind: 'tabular', encoding } });
  }
}

/** Standardised and one-hot features in, one value out; the target is standardised while training. */
export abstract class TabularRegressor extends NetworkModel<TabularQuery, number, { net: Network; encoding: TabularEncoding; target: { mean: number; std: number } }> {
  static override tasks: readonly Task[] = ['TABULAR_REGRESSION'];

  protected abstract recipe(): Recipe;

  async train(data: Dataset, ctx: TrainContext): Promise<void> {
    requireKind(this, data, 'tabular', 'trains');
    const { layers, fit } = this.recipe();
    const net = createNetwork({ input: [data.encoding.width], layers: [...layers, { type: 'dense', units: 1 }], loss: 'mse' }, { seed: WEIGHTS_SEED });
    const target = meanAndStd(data.y);
    this.state = { net, encoding: data.encoding, target };
    const y = data.y.map((v) => (v - target.mean) / target.std);
    await fitWithReports(net, data.x, y, { ...fit, ctx, scoreName: 'r2', score: r2Score });
  }

  async evaluate(data: Dataset): Promise<number> {
    requireKind(this, data, 'tabular', 'evaluates');
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
}

/** Images resized to `imageShape()` (the `imageSize` knob, grey; 28 by default), pixels 0–255 in, probabilities out. */
export abstract class ImageClassifier extends NetworkModel<ImageQuery, number[], { net: Network; shape: ImageShape; classes: string[] }> {
  static override tasks: readonly Task[] = ['IMAGE_CLASSIFICATION'];

  protected abstract recipe(shape: ImageShape): Recipe;

  protected imageShape(): ImageShape {
    const size = Number(this.knobs.imageSize ?? 28);
    return { height: size, width: size, channels: 1 };
  }

  async train(data: Dataset, ctx: TrainContext): Promise<void> {
    requireKind(this, data, 'image', 'trains');
    const shape = this.imageShape();
    const { layers, fit } = this.recipe(shape);
    const net = createNetwork({
      input: [shape.height, shape.width, shape.channels],
      layers: [...layers, { type: 'dense', units: data.classes.length }],
      loss: 'softmaxCrossEntropy',
    }, { seed: WEIGHTS_SEED });
    this.state = { net, shape, classes: data.classes };
    await fitWithReports(net, data.images(shape), data.y, { ...fit, ctx, scoreName: 'accuracy', score: accuracy });
  }

  async evaluate(data: Dataset): Promise<number> {
    requireKind(this, data, 'image', 'evaluates');
    const { net, shape } = this.trained();
    return accuracy(await net.predict(data.images(shape)), data.y);
  }

  async predict(queries: ImageQuery[]): Promise<number[][]> {
    const { net, shape, classes } = this.trained();
    const pixels = imageQueriesToTensor(queries, shape).map((v) => v / 255);
    return toRows(await net.predict(pixels), classes.length);
  }

  dumpParameters(): Params {
    const { net, shape, classes } = this.trained();
    return { ...networkParams(net), shape: shape as unknown as JsonValue, classes };
  }

  loadParameters(params: Params): void {
    this.state = { net: networkFromParams(params), shape: params.shape as unknown as ImageShape, classes: params.classes as string[] };
  }

  override toOnnx(): Uint8Array {
    const { net, shape } = this.trained();
    return net.toOnnx({ input: { kind: 'image', shape } });
  }
}

function meanAndStd(values: Float32Array): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length);
  return { mean, std: Math.sqrt(variance) || 1 };
}
