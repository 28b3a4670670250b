/**
 * What a network is: its input shape, its layers and its loss, as plain JSON data
 * (a template keeps it in its parameters). Shapes exclude the batch dimension.
 * Image inputs are [height, width, channels] (NHWC, as datasets give them); the
 * graphs transpose them once to NCHW for the convolutions, so conv2d, maxPool and
 * flatten see [channels, height, width].
 *
 * @example
 * const spec: NetworkSpec = {
 *   input: [28, 28, 1],
 *   layers: [
 *     { type: 'conv2d', filters: 16, kernel: 3 }, { type: 'relu' }, { type: 'maxPool', size: 2 },
 *     { type: 'flatten' }, { type: 'dense', units: 10 },
 *   ],
 *   loss: 'softmaxCrossEntropy',
 * };
 */
export type Layer =
  | { type: 'dense'; units: number }
  | { type: 'relu' }
  | { type: 'tanh' }
  | { type: 'sigmoid' }
  /** Stride 1; 'same' (the default) pads so the output keeps the input's height and width. */
  | { type: 'conv2d'; filters: number; kernel: number; padding?: 'same' | 'valid' }
  /** Non-overlapping windows: stride = size; height and width must be multiples of size. */
  | { type: 'maxPool'; size: number }
  | { type: 'flatten' }
  /** Inverted dropout: active in training only. */
  | { type: 'dropout'; rate: number }
  /**
   * Data augmentation for images: in training only, each image moves by a random
   * whole number of pixels in [-pixels, pixels] on each axis (zeros fill in). Only
   * before the first trainable layer (it has no gradient).
   */
  | { type: 'randomShift'; pixels: number };

/**
 * 'softmaxCrossEntropy': the last layer gives logits, one per class; targets are
 * class indices; predictions are probabilities. 'mse': the last layer has one
 * unit; targets and predictions are values.
 */
export type Loss = 'softmaxCrossEntropy' | 'mse';

export interface NetworkSpec {
  input: number[];
  layers: Layer[];
  loss: Loss;
}

export interface ParamInfo { name: string; shape: number[]; fanIn: number; fanOut: number; kind: 'weight' | 'bias' }

/** Per layer: the shape it receives and the shape it gives (batch excluded, NCHW for images). */
export interface LayerShapes { input: number[]; output: number[] }

/** The internal shape of the network input: images move channels first. */
export function internalInputShape(spec: NetworkSpec): number[] {
  const [h, w, c] = spec.input;
  return spec.input.length === 3 ? [c!, h!, w!] : [...spec.input];
}

/** Checks a spec and infers every layer's shapes; throws naming the layer at fault. */
export function inferShapes(spec: NetworkSpec): LayerShapes[] {
  if (spec.input.length !== 1 && spec.input.length !== 3) {
    throw new Error(`network input must be [features] or [height, width, channels], got [${spec.input}]`);
  }
  if (!spec.input.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`network input dims must be positive integers, got [${spec.input}]`);
  let shape = internalInputShape(spec);
  let trainable = false;
  const shapes = spec.layers.map((layer, i) => {
    const input = shape;
    if (layer.type === 'randomShift' && trainable) throw new Error(`layer ${i} (randomShift): must come before every dense and conv2d layer`);
    trainable ||= layer.type === 'dense' || layer.type === 'conv2d';
    shape = layerOutputShape(layer, input, `layer ${i} (${layer.type})`);
    return { input, output: shape };
  });
  if (shape.length !== 1) throw new Error(`the last layer must give a vector, got [${shape}]; add a flatten and a dense layer`);
  if (spec.loss === 'mse' && shape[0] !== 1) throw new Error(`an mse network must end with 1 unit, got ${shape[0]}`);
  if (spec.loss === 'softmaxCrossEntropy' && shape[0]! < 2) throw new Error(`a softmaxCrossEntropy network needs at least 2 outputs, got ${shape[0]}`);
  return shapes;
}

function layerOutputShape(layer: Layer, input: number[], where: string): number[] {
  const positive = (v: number, what: string) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${where}: ${what} must be a positive integer, got ${v}`);
  };
  switch (layer.type) {
    case 'dense':
      positive(layer.units, 'units');
      if (input.length !== 1) throw new Error(`${where}: needs a vector input, got [${input}]; add a flatten layer`);
      return [layer.units];
    case 'relu': case 'tanh': case 'sigmoid':
      return input;
    case 'dropout':
      if (!(layer.rate >= 0 && layer.rate < 1)) throw new Error(`${where}: rate must be in [0, 1), got ${layer.rate}`);
      return input;
    case 'randomShift':
      if (!(Number.isInteger(layer.pixels) && layer.pixels >= 0)) throw new Error(`${where}: pixels must be a non-negative integer, got ${layer.pixels}`);
      if (input.length !== 3) throw new Error(`${where}: needs an image input, got [${input}]`);
      return input;
    case 'flatten':
      return [input.reduce((a, b) => a * b, 1)];
    case 'conv2d': {
      positive(layer.filters, 'filters');
      positive(layer.kernel, 'kernel');
      if (input.length !== 3) throw new Error(`${where}: needs an image input, got [${input}]`);
      const [, h, w] = input as [number, number, number];
      const shrink = layer.padding === 'valid' ? layer.kernel - 1 : 0;
      if (layer.padding !== 'valid' && layer.kernel % 2 === 0) throw new Error(`${where}: 'same' padding needs an odd kernel, got ${layer.kernel}`);
      if (h - shrink < 1 || w - shrink < 1) throw new Error(`${where}: kernel ${layer.kernel} is larger than the ${h}×${w} input`);
      return [layer.filters, h - shrink, w - shrink];
    }
    case 'maxPool': {
      positive(layer.size, 'size');
      if (input.length !== 3) throw new Error(`${where}: needs an image input, got [${input}]`);
      const [c, h, w] = input as [number, number, number];
      if (h % layer.size || w % layer.size) throw new Error(`${where}: ${h}×${w} is not a multiple of size ${layer.size}`);
      return [c, h / layer.size, w / layer.size];
    }
  }
}

/** The trainable tensors of a network, named `layer<i>.weight` / `layer<i>.bias`, in layer order. */
export function paramInfos(spec: NetworkSpec): ParamInfo[] {
  const shapes = inferShapes(spec);
  return spec.layers.flatMap((layer, i): ParamInfo[] => {
    const input = shapes[i]!.input;
    if (layer.type === 'dense') {
      const fanIn = input[0]!;
      return [
        { name: weightName(i), shape: [fanIn, layer.units], fanIn, fanOut: layer.units, kind: 'weight' },
        { name: biasName(i), shape: [layer.units], fanIn, fanOut: layer.units, kind: 'bias' },
      ];
    }
    if (layer.type === 'conv2d') {
      const area = layer.kernel * layer.kernel;
      const fanIn = input[0]! * area;
      return [
        { name: weightName(i), shape: [layer.filters, input[0]!, layer.kernel, layer.kernel], fanIn, fanOut: layer.filters * area, kind: 'weight' },
        { name: biasName(i), shape: [layer.filters], fanIn, fanOut: layer.filters * area, kind: 'bias' },
      ];
    }
    return [];
  });
}

export const weightName = (layer: number) => `layer${layer}.weight`;
export const biasName = (layer: number) => `layer${layer}.bias`;

/** Number of network outputs: classes for softmaxCrossEntropy, 1 for mse. */
export function outputSize(spec: NetworkSpec): number {
  return inferShapes(spec).at(-1)?.output[0] ?? spec.input[0]!;
}
