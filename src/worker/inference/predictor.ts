import type { BatchOutput, InferenceBatch } from '../../common/protocols/inference.ts';
import type { OnnxInputSpec } from '../../model/model.ts';

/** A loaded trial, ready for batches (`shared` ones resolved to tensors by the worker). */
export interface Predictor {
  input: OnnxInputSpec | null;
  predict(batch: Exclude<InferenceBatch, { kind: 'shared' }>): Promise<BatchOutput>;
}
