/**
 * A trainable network whose training steps and predictions run in onnxruntime.
 * This is the one module of the engine that loads onnxruntime-node.
 *
 * @example
 * const net = createNetwork({ input: [4], layers: [{ type: 'dense', units: 3 }], loss: 'softmaxCrossEntropy' }, { seed: 1 });
 * await net.fit(x, y, { epochs: 50, batchSize: 16, optimizer: { type: 'adam', learningRate: 0.05 } });
 * const probabilities = await net.predict(x); // [rows × 3]
 */
import * as ort from 'onnxruntime-node';
import { exportNetwork, type NetworkExportOptions } from './export.ts';
import { buildPredictGraph, buildTrainGraph, outName, TRAIN_IO } from './graphs.ts';
import { initialWeights, type Weights } from './init.ts';
import { checkOptimizer, type OptimizerSpec } from './optimizer.ts';
import { mulberry32, permutation } from '../random.ts';
import { inferShapes, outputSize, paramInfos, type NetworkSpec } from './spec.ts';

export type EpochDecision = 'continue' | 'stop';

export interface FitOptions {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerSpec;
  /** Seeds the shuffling and the dropout masks. */
  seed?: number;
  /**
   * 'cosine' anneals the learning rate from its value to 0 over `epochs` (one
   * value per epoch), which settles the weights better than a constant rate.
   */
  schedule?: 'constant' | 'cosine';
  /** Called after each epoch with its mean batch loss; answering 'stop' ends training. */
  onEpoch?: (info: { epoch: number; loss: number }) => EpochDecision | void | Promise<EpochDecision | void>;
}

export interface NetworkOptions {
  /** Seeds the initial weights. */
  seed?: number;
  /** onnxruntime's intra-op threads; 0 lets it choose (one per core). */
  threads?: number;
}

/** Rows per prediction run: bounds the memory of convolution activations. */
const PREDICT_CHUNK = 1024;

export class Network {
  private weights: Weights;
  private predictSession: Promise<ort.InferenceSession> | null = null;
  readonly inputSize: number;
  readonly outputSize: number;

  constructor(readonly spec: NetworkSpec, weights: Weights, private readonly options: NetworkOptions = {}) {
    inferShapes(spec);
    this.inputSize = spec.input.reduce((a, b) => a * b, 1);
    this.outputSize = outputSize(spec);
    this.weights = checkWeights(spec, weights);
  }

  /** A copy of the trainable tensors, by name (`layer<i>.weight`, `layer<i>.bias`). */
  getWeights(): Weights {
    return Object.fromEntries(Object.entries(this.weights).map(([k, v]) => [k, v.slice()]));
  }

  setWeights(weights: Weights): void {
    this.weights = checkWeights(this.spec, weights);
  }

  /**
   * Trains on x (rows × input, row-major; images NHWC) and y (class indices or
   * values), continuing from the current weights with a fresh optimiser state.
   */
  async fit(x: Float32Array, y: Float32Array, opts: FitOptions): Promise<{ epochs: number; losses: number[] }> {
    const rows = this.checkRows(x, 'x');
    if (y.length !== rows) throw new Error(`y has ${y.length} values for ${rows} rows of x`);
    if (this.spec.loss === 'softmaxCrossEntropy') {
      const bad = y.findIndex((c) => !(Number.isInteger(c) && c >= 0 && c < this.outputSize));
      if (bad >= 0) throw new Error(`y[${bad}] is ${y[bad]}, not a class index in 0..${this.outputSize - 1}`);
    }
    if (!(Number.isInteger(opts.epochs) && opts.epochs >= 0)) throw new Error(`epochs must be a non-negative integer, got ${opts.epochs}`);
    if (!(Number.isInteger(opts.batchSize) && opts.batchSize >= 1)) throw new Error(`batchSize must be a positive integer, got ${opts.batchSize}`);
    checkOptimizer(opts.optimizer);
    if (rows === 0 || opts.epochs === 0) return { epochs: 0, losses: [] };

    const seed = opts.seed ?? 0;
    const graph = buildTrainGraph(this.spec, opts.optimizer, { seed });
    const session = await ort.InferenceSession.create(graph.bytes, this.sessionOptions());
    try {
      const random = mulberry32(seed);
      const batch = Math.min(opts.batchSize, rows);
      const trips = Math.ceil(rows / batch);
      const fixed = {
        [TRAIN_IO.x]: new ort.Tensor('float32', x, [rows, ...this.spec.input]),
        [TRAIN_IO.y]: new ort.Tensor('float32', y, [rows]),
        [TRAIN_IO.batch]: new ort.Tensor('int64', BigInt64Array.of(BigInt(batch)), []),
        [TRAIN_IO.trips]: new ort.Tensor('int64', BigInt64Array.of(BigInt(trips)), []),
      };
      let carried: Record<string, ort.Tensor> = Object.fromEntries(graph.carried.map((c) => [
        c.name,
        new ort.Tensor('float32', this.weights[c.name]?.slice() ?? new Float32Array(size(c.shape)), c.shape),
      ]));
      let step: ort.Tensor = new ort.Tensor('float32', Float32Array.of(0), []);
      const losses: number[] = [];
      for (let epoch = 1; epoch <= opts.epochs; epoch++) {
        const out = await session.run({
          ...fixed, ...carried,
          [TRAIN_IO.order]: new ort.Tensor('int32', permutation(rows, random), [rows]),
          [TRAIN_IO.step]: step,
          [TRAIN_IO.lr]: new ort.Tensor('float32', Float32Array.of(learningRate(opts, epoch)), []),
        });
        carried = Object.fromEntries(graph.carried.map((c) => [c.name, out[outName(c.name)] as ort.Tensor]));
        step = out[TRAIN_IO.stepOut] as ort.Tensor;
        const batchLosses = out[TRAIN_IO.losses]!.data as Float32Array;
        const loss = batchLosses.reduce((a, b) => a + b, 0) / batchLosses.length;
        if (!Number.isFinite(loss)) throw new Error(`training diverged at epoch ${epoch} (loss ${loss}); lower the learning rate`);
        losses.push(loss);
        this.weights = Object.fromEntries(paramInfos(this.spec).map((p) => [p.name, carried[p.name]!.data as Float32Array]));
        if ((await opts.onEpoch?.({ epoch, loss })) === 'stop') break;
      }
      return { epochs: losses.length, losses };
    } finally {
      await session.release();
    }
  }

  /**
   * Probabilities (rows × classes) for softmaxCrossEntropy networks, values (rows)
   * for mse ones. `x` is rows × input, as for `fit`.
   */
  async predict(x: Float32Array): Promise<Float32Array> {
    const rows = this.checkRows(x, 'x');
    const width = this.spec.loss === 'mse' ? 1 : this.outputSize;
    const result = new Float32Array(rows * width);
    if (rows === 0) return result;
    this.predictSession ??= ort.InferenceSession.create(buildPredictGraph(this.spec), this.sessionOptions());
    const session = await this.predictSession;
    const weights = Object.fromEntries(paramInfos(this.spec).map((p) => [p.name, new ort.Tensor('float32', this.weights[p.name]!, p.shape)]));
    for (let start = 0; start < rows; start += PREDICT_CHUNK) {
      const end = Math.min(rows, start + PREDICT_CHUNK);
      const chunk = x.subarray(start * this.inputSize, end * this.inputSize);
      const out = await session.run({ ...weights, x: new ort.Tensor('float32', chunk, [end - start, ...this.spec.input]) });
      result.set(out.prediction!.data as Float32Array, start * width);
    }
    return result;
  }

  /** The network as a self-contained ONNX inference model, preprocessing included. */
  toOnnx(opts: NetworkExportOptions): Uint8Array {
    return exportNetwork(this.spec, this.weights, opts);
  }

  /** Frees the prediction session; the network stays usable (it is rebuilt on demand). */
  async dispose(): Promise<void> {
    const session = this.predictSession;
    this.predictSession = null;
    if (session) await (await session).release();
  }

  private sessionOptions(): ort.InferenceSession.SessionOptions {
    return {
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      intraOpNumThreads: this.options.threads ?? 1,
      interOpNumThreads: 1,
    };
  }

  private checkRows(x: Float32Array, what: string): number {
    if (x.length % this.inputSize !== 0) throw new Error(`${what} has ${x.length} values, not a multiple of the input size ${this.inputSize}`);
    return x.length / this.inputSize;
  }
}

function learningRate(opts: FitOptions, epoch: number): number {
  const base = opts.optimizer.learningRate;
  return opts.schedule === 'cosine' ? base * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / opts.epochs)) : base;
}

/** A network with fresh weights drawn from `seed`. */
export function createNetwork(spec: NetworkSpec, opts: NetworkOptions = {}): Network {
  return new Network(spec, initialWeights(spec, opts.seed ?? 0), opts);
}

function checkWeights(spec: NetworkSpec, weights: Weights): Weights {
  const checked: Weights = {};
  for (const p of paramInfos(spec)) {
    const w = weights[p.name];
    if (!(w instanceof Float32Array)) throw new Error(`weights lack "${p.name}" (a Float32Array of shape [${p.shape}])`);
    if (w.length !== size(p.shape)) throw new Error(`weights "${p.name}" has ${w.length} values; shape [${p.shape}] needs ${size(p.shape)}`);
    checked[p.name] = w;
  }
  return checked;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
