/**
 * A small convolutional network for image classification: each image resized to
 * imageSize × imageSize grey pixels (randomly shifted in training), two convolution + 2×2 max-pooling + ReLU
 * stages (the second with twice the filters), a dense ReLU layer with dropout,
 * softmax probabilities. Exports ONNX taking [N, H, W, 1] pixels 0–255.
 */
import {
  Model, accuracy, createNetwork, fitWithReports, imageQueriesToTensor, knobs, networkFromParams, networkParams, toRows,
  type Dataset, type ImageQuery, type ImageShape, type JsonValue, type Layer, type Network, type Params, type TrainContext,
} from 'rafiki/model';

interface CnnKnobs {
  imageSize: number; shift: number; filters: number; kernel: number; denseUnits: number; dropout: number;
  learningRate: number; weightDecay: number; batchSize: number; epochs: number;
}

export class ImageCnn extends Model<ImageQuery, number[]> {
  static override tasks = ['IMAGE_CLASSIFICATION'] as const;
  static override knobConfig = {
    imageSize: knobs.fixed(28),
    // Augmentation: training images move by up to this many pixels.
    shift: knobs.categorical([0, 1, 2]),
    filters: knobs.integer(8, 24, { log: true }),
    kernel: knobs.categorical([3, 5]),
    denseUnits: knobs.integer(32, 256, { log: true }),
    dropout: knobs.float(0, 0.5),
    learningRate: knobs.float(1e-4, 1e-2, { log: true }),
    weightDecay: knobs.float(1e-6, 1e-3, { log: true }),
    batchSize: knobs.categorical([32, 64, 128]),
    // The resource: the Advisor may stop a trial after fewer epochs.
    epochs: knobs.integer(2, 12),
  };

  private state: { net: Network; shape: ImageShape; classes: string[] } | null = null;

  async train(data: Dataset, ctx: TrainContext): Promise<void> {
    if (data.kind !== 'image') throw new Error(`ImageCnn trains on images, got ${data.kind} data`);
    const k = this.knobs as unknown as CnnKnobs;
    const shape: ImageShape = { height: k.imageSize, width: k.imageSize, channels: 1 };
    // Pooling before the ReLU gives the same result on a quarter of the values.
    const stage = (filters: number): Layer[] => [
      { type: 'conv2d', filters, kernel: k.kernel }, { type: 'maxPool', size: 2 }, { type: 'relu' },
    ];
    const net = createNetwork({
      input: [shape.height, shape.width, shape.channels],
      layers: [
        { type: 'randomShift', pixels: k.shift },
        ...stage(k.filters), ...stage(2 * k.filters), { type: 'flatten' },
        { type: 'dense', units: k.denseUnits }, { type: 'relu' }, { type: 'dropout', rate: k.dropout },
        { type: 'dense', units: data.classes.length },
      ],
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
    if (data.kind !== 'image') throw new Error(`ImageCnn evaluates on images, got ${data.kind} data`);
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
    if (!this.state) throw new Error('ImageCnn is not trained: call train or loadParameters first');
    return this.state;
  }
}
