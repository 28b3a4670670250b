/** A trained network as a self-contained inference model (weights as initializers). */
import { buildInferenceModel } from '../onnx/export.ts';
import type { InferenceInput } from '../onnx/preprocess.ts';
import { emitPrediction } from './forward.ts';
import type { Weights } from './init.ts';
import { outputSize, paramInfos, type NetworkSpec } from './spec.ts';

export interface NetworkExportOptions {
  input: InferenceInput;
  /** Regression networks trained on standardised targets: value = output·std + mean. */
  target?: { mean: number; std: number };
}

export function exportNetwork(spec: NetworkSpec, weights: Weights, opts: NetworkExportOptions): Uint8Array {
  return buildInferenceModel({
    input: opts.input,
    output: spec.loss === 'mse' ? { kind: 'values' } : { kind: 'probabilities', classes: outputSize(spec) },
    body: (g, x) => {
      const initializers = new Map(paramInfos(spec).map((p) => [p.name, g.constant(weights[p.name]!, p.shape)]));
      const y = emitPrediction(g, spec, x, (name) => initializers.get(name)!);
      const { target } = opts;
      return target ? g.op('Add', [g.op('Mul', [y, g.scalar(target.std)]), g.scalar(target.mean)]) : y;
    },
  });
}
