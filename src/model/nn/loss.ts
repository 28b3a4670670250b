/** Losses and their gradients with respect to the network's output, as ONNX nodes. */
import type { GraphBuilder } from '../onnx/builder.ts';
import type { Loss } from './spec.ts';

/**
 * Mean loss over the batch and d(loss)/d(output). `y` holds class indices or
 * target values ([B] float32); `batch` is B as a float32 scalar.
 */
export function emitLoss(g: GraphBuilder, loss: Loss, output: string, y: string, batch: string, classes: number): { loss: string; dOutput: string } {
  const target = g.op('Unsqueeze', [y, g.constantInt([1])]);
  if (loss === 'mse') {
    const diff = g.op('Sub', [output, target]);
    return {
      loss: g.op('Div', [g.op('ReduceSum', [g.op('Mul', [diff, diff])], { keepdims: 0 }), batch]),
      dOutput: g.op('Mul', [diff, g.op('Div', [g.scalar(2), batch])]),
    };
  }
  const classIds = g.constant(Array.from({ length: classes }, (_, i) => i), [1, classes]);
  const oneHot = g.op('Cast', [g.op('Equal', [target, classIds])], { to: 1 });
  const logP = g.op('LogSoftmax', [output], { axis: 1 });
  return {
    loss: g.op('Div', [g.op('Neg', [g.op('ReduceSum', [g.op('Mul', [oneHot, logP])], { keepdims: 0 })]), batch]),
    // d/dz of mean cross-entropy after softmax: (softmax(z) − onehot) / B.
    dOutput: g.op('Div', [g.op('Sub', [g.op('Exp', [logP]), oneHot]), batch]),
  };
}
