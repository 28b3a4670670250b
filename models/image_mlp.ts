/**
 * A multi-layer perceptron for image classification: each image resized to
 * imageSize × imageSize grey pixels, randomly shifted in training, flattened,
 * through ReLU layers with dropout to softmax probabilities. Exports ONNX taking [N, H, W, 1] pixels 0–255.
 */
import {
  Model, accuracy, createNetwork, fitWithReports, imageQueriesToTensor, knobs, networkFromParams, networkParams, toRows,
  type Dataset, type ImageQuery, type ImageShape, type JsonValue, type Layer, type Network, type Params, type TrainContext,
} from 'rafiki/model';

interface MlpKnobs {
  imageSize: number; shift: number; hiddenLayers: number; hiddenUnits: number; dropout: number;
  learningRate: number; weightDecay: number; batchSize: number; epochs: number;
}

export class ImageMlp extends Model<ImageQuery, number[]> {
  static override tasks = ['IMAGE_CLASSIFICATION'] as const;
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

  private state: { net: Network; shape: ImageShape; classes: string[] } | null = null;

  async train(data: Dataset, ctx: TrainContext): Promise<void> {
    if (data.kind !== 'image') throw new Error(`ImageMlp trains on images, got ${data.kind} data`);
    const k = this.knobs as unknown as MlpKnobs;
    const shape: ImageShape = { height: k.imageSize, width: k.imageSize, channels: 1 };
    const hidden = Array.from({ length: k.hiddenLayers }, (): Layer[] => [
      { type: 'dense', units: k.hiddenUnits }, { type: 'relu' }, { type: 'dropout', rate: k.dropout },
    ]).flat();
    const net = createNetwork({
      input: [shape.height, shape.width, shape.channels],
      layers: [{ type: 'randomShift', pixels: k.shift }, { type: 'flatten' }, ...hidden, { type: 'dense', units: data.classes.length }],
      loss: 'softmaxCrossEntropy',
    }, { seed: 1 });
    this.state = { net, shape, classes: data.classes };
    await fitWithReports(net, data.images(shape), data.y, {
      epochs: k.epochs, batchSize: k.batchSize, seed: 1, schedule: 'cosine',
      optimizer: { type: 'adam', learningRate: k.learningRate, weightDecay: k.weightDecay },
      ctx, scoreName: 'accuracy', score: accuracy,
    });
  }

  async evaluate(data: Dataset): Promise<number> {
    if (data.kind !== 'image') throw new Error(`ImageMlp evaluates on images, got ${data.kind} data`);
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

  private trained() {
    if (!this.state) throw new Error('ImageMlp is not trained: call train or loadParameters first');
    return this.state;
  }
}
