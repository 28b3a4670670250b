/**
 * The forward pass as ONNX nodes. The same emitter builds the training step, the
 * prediction graph and the exported model, so what is trained is what is served.
 */
import type { GraphBuilder } from '../onnx/builder.ts';
import { biasName, inferShapes, weightName, type Layer, type LayerShapes, type NetworkSpec } from './spec.ts';

/** What one layer did, kept for its backward pass. */
export interface LayerStep {
  index: number;
  layer: Layer;
  shapes: LayerShapes;
  input: string;
  output: string;
  /** Dropout's scaled keep-mask. */
  mask?: string;
  /** Max pooling's flat positions of each window's maximum (training only). */
  indices?: string;
}

export interface ForwardOptions {
  /** Dropout is active only in training. */
  training: boolean;
  /** Seeds the dropout masks of a training graph. */
  seed?: number;
  /** The graph value holding a trainable tensor, by its name (an input or an initializer). */
  param: (name: string) => string;
}

/**
 * Emits the network on `x` ([N, features] or [N, H, W, C]) and answers the last
 * layer's output (logits or values, [N, outputs]) with the steps that made it.
 */
export function emitForward(g: GraphBuilder, spec: NetworkSpec, x: string, opts: ForwardOptions): { output: string; steps: LayerStep[] } {
  const shapes = inferShapes(spec);
  let value = spec.input.length === 3 ? g.op('Transpose', [x], { perm: [0, 3, 1, 2] }) : x;
  const steps = spec.layers.map((layer, index): LayerStep => {
    const input = value;
    const step: LayerStep = { index, layer, shapes: shapes[index]!, input, output: input };
    step.output = emitLayer(g, step, opts);
    value = step.output;
    return step;
  });
  return { output: value, steps };
}

function emitLayer(g: GraphBuilder, step: LayerStep, opts: ForwardOptions): string {
  const { layer, input, index } = step;
  switch (layer.type) {
    case 'dense':
      return g.op('Gemm', [input, opts.param(weightName(index)), opts.param(biasName(index))]);
    case 'relu': return g.op('Relu', [input]);
    case 'tanh': return g.op('Tanh', [input]);
    case 'sigmoid': return g.op('Sigmoid', [input]);
    case 'flatten': return g.op('Flatten', [input], { axis: 1 });
    case 'conv2d': {
      const p = convPad(layer);
      return g.op('Conv', [input, opts.param(weightName(index)), opts.param(biasName(index))],
        { kernel_shape: [layer.kernel, layer.kernel], pads: [p, p, p, p] });
    }
    case 'maxPool': {
      const attrs = { kernel_shape: [layer.size, layer.size], strides: [layer.size, layer.size] };
      if (!opts.training) return g.op('MaxPool', [input], attrs);
      const [output, indices] = g.opMulti('MaxPool', [input], 2, attrs);
      step.indices = indices;
      return output!;
    }
    case 'randomShift':
      return opts.training && layer.pixels > 0 ? emitRandomShift(g, input, step.shapes.input, layer.pixels, (opts.seed ?? 0) + index) : input;
    case 'dropout': {
      if (!opts.training || layer.rate === 0) return input;
      const uniform = g.op('RandomUniformLike', [input], { seed: { float: (opts.seed ?? 0) + index } });
      const keep = g.op('Cast', [g.op('Greater', [uniform, g.scalar(layer.rate)])], { to: 1 });
      step.mask = g.op('Mul', [keep, g.scalar(1 / (1 - layer.rate))]);
      return g.op('Mul', [input, step.mask]);
    }
  }
}

/**
 * Moves each image of [N, C, H, W] by its own random whole-pixel offset, by
 * sampling it on a shifted grid (GridSample's zero padding fills the edges).
 */
function emitRandomShift(g: GraphBuilder, x: string, [, h, w]: number[], pixels: number, seed: number): string {
  const height = h!;
  const width = w!;
  // GridSample's normalised coordinates (align_corners = 0): pixel j sits at (2j + 1)/W − 1.
  const grid = new Float32Array(height * width * 2);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      grid[(i * width + j) * 2] = (2 * j + 1) / width - 1;
      grid[(i * width + j) * 2 + 1] = (2 * i + 1) / height - 1;
    }
  }
  // One (x, y) pair per image: a [N, 1, 1, 2] slice of x gives RandomUniformLike its shape.
  const perImage = g.op('Slice', [x, g.constantInt([0, 0, 0]), g.constantInt([1, 1, 2]), g.constantInt([1, 2, 3])]);
  const uniform = g.op('RandomUniformLike', [perImage], { low: { float: -pixels - 0.5 }, high: { float: pixels + 0.5 }, seed: { float: seed } });
  const offset = g.op('Mul', [g.op('Round', [uniform]), g.constant([2 / width, 2 / height], [1, 1, 1, 2])]);
  const shifted = g.op('Add', [g.constant(grid, [1, height, width, 2]), offset]);
  return g.op('GridSample', [x, shifted], { mode: 'bilinear', padding_mode: 'zeros', align_corners: 0 });
}

export function convPad(layer: Extract<Layer, { type: 'conv2d' }>): number {
  return layer.padding === 'valid' ? 0 : (layer.kernel - 1) / 2;
}

/**
 * The inference graph's body: the network followed by its head, softmax
 * probabilities [N, classes] or values [N].
 */
export function emitPrediction(g: GraphBuilder, spec: NetworkSpec, x: string, param: (name: string) => string): string {
  const { output } = emitForward(g, spec, x, { training: false, param });
  return spec.loss === 'mse'
    ? g.op('Squeeze', [output, g.constantInt([1])])
    : g.op('Softmax', [output], { axis: 1 });
}
