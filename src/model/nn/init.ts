/**
 * Initial weights: He-uniform for layers that feed a ReLU (keeps activations'
 * variance through depth), Glorot-uniform otherwise; biases start at zero.
 */
import { mulberry32 } from '../random.ts';
import { paramInfos, type NetworkSpec } from './spec.ts';

export type Weights = Record<string, Float32Array>;

export function initialWeights(spec: NetworkSpec, seed: number): Weights {
  const random = mulberry32(seed);
  const weights: Weights = {};
  for (const p of paramInfos(spec)) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const w = new Float32Array(size);
    if (p.kind === 'weight') {
      const layer = Number(p.name.slice('layer'.length, p.name.indexOf('.')));
      const limit = feedsRelu(spec, layer) ? Math.sqrt(6 / p.fanIn) : Math.sqrt(6 / (p.fanIn + p.fanOut));
      for (let i = 0; i < size; i++) w[i] = (2 * random() - 1) * limit;
    }
    weights[p.name] = w;
  }
  return weights;
}

function feedsRelu(spec: NetworkSpec, layer: number): boolean {
  for (const next of spec.layers.slice(layer + 1)) {
    if (next.type === 'relu') return true;
    if (next.type !== 'maxPool' && next.type !== 'dropout') return false;
  }
  return false;
}
