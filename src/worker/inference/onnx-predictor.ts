import { readFile } from 'node:fs/promises';
import type { BatchOutput, InferenceBatch } from '../../common/protocols/inference.ts';
import type { Predictor } from './predictor.ts';

/**
 * One onnxruntime-node session for one trial's ONNX file; a batch is one `run`.
 * onnxruntime is imported here only, so it loads in inference workers alone.
 *
 * @example
 * const predictor = await onnxPredictor('trial.onnx', { threads: 1, classes: 3 });
 * await predictor.predict({ kind: 'tensor', data, dims: [n, 4] });
 */
export async function onnxPredictor(path: string, { threads, classes }: { threads: number; classes: number }): Promise<Predictor> {
  const bytes = new Uint8Array(await readFile(path));
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' });
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  if (inputName === undefined || outputName === undefined) throw new Error(`${path} has no input or no output`);
  return {
    async predict(batch: InferenceBatch): Promise<BatchOutput> {
      if (batch.kind !== 'tensor') throw new Error('an ONNX trial takes tensor batches');
      const result = await session.run({ [inputName]: new ort.Tensor('float32', batch.data, batch.dims) });
      const output = result[outputName]!;
      const n = batch.dims[0]!;
      // Probabilities [N, classes] for classification (classes > 0), values [N] or [N, 1] for regression.
      const fits = classes > 0 ? output.dims.join() === `${n},${classes}` : output.dims.join() === `${n}` || output.dims.join() === `${n},1`;
      if (!fits) return { kind: 'error', status: 500, message: `the model's output "${outputName}" has shape [${output.dims.join(', ')}], expected [${n}, ${classes > 0 ? classes : 1}]` };
      return { kind: 'tensor', data: output.data as Float32Array, dims: [...output.dims] };
    },
  };
}
