import type { BatchOutput, InferenceBatch } from '../../common/protocols/inference.ts';

/** A loaded trial, ready for batches (`shared` ones resolved to tensors by the worker). */
export interface Predictor {
  predict(batch: Exclude<InferenceBatch, { kind: 'shared' }>): Promise<BatchOutput>;
}
