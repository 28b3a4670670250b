/**
 * The serving benchmarks' model and query: the MNIST perceptron 784-512-256-10
 * as ONNX (random weights: inference cost is what matters, not accuracy) and
 * one 28×28 query of pixel values as a JSON body, written into `dir`.
 *
 * @example
 * const { modelPath, bodyPath } = writeMnist(mkdtempSync(join(tmpdir(), 'rafiki-bench-')));
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNetwork } from '../../src/model/nn/index.ts';

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export function writeMnist(dir: string): { modelPath: string; bodyPath: string } {
  const modelPath = join(dir, 'mnist-mlp.onnx');
  const net = createNetwork({
    input: [28, 28, 1],
    layers: [{ type: 'flatten' }, { type: 'dense', units: 512 }, { type: 'relu' }, { type: 'dense', units: 256 }, { type: 'relu' }, { type: 'dense', units: 10 }],
    loss: 'softmaxCrossEntropy',
  }, { seed: 1 });
  writeFileSync(modelPath, net.toOnnx({ input: { kind: 'image', shape: { height: 28, width: 28, channels: 1 } } }));
  let seed = 7;
  const pixel = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256);
  const bodyPath = join(dir, 'query.json');
  writeFileSync(bodyPath, JSON.stringify({ query: Array.from({ length: 28 }, () => Array.from({ length: 28 }, pixel)) }));
  return { modelPath, bodyPath };
}
