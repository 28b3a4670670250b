/**
 * Reverse-mode gradients of the forward pass, as ONNX nodes (onnxruntime's
 * inference build has no gradient ops, so each layer's derivative is written
 * out here). Checked against finite differences in backward.test.ts.
 */
import type { GraphBuilder } from '../onnx/builder.ts';
import { convPad, type LayerStep } from './forward.ts';
import { biasName, weightName } from './spec.ts';

/**
 * Emits d(loss)/d(param) for every trainable tensor, given d(loss)/d(output).
 * Gradients are not carried below the first trainable layer (the data needs none).
 */
export function emitBackward(g: GraphBuilder, steps: LayerStep[], dOutput: string, param: (name: string) => string): Map<string, string> {
  const grads = new Map<string, string>();
  const firstTrainable = steps.findIndex((s) => s.layer.type === 'dense' || s.layer.type === 'conv2d');
  let d = dOutput;
  for (const step of [...steps].reverse()) {
    if (step.index < firstTrainable) break;
    d = emitLayerGrad(g, step, d, step.index > firstTrainable, param, grads);
  }
  return grads;
}

function emitLayerGrad(
  g: GraphBuilder, step: LayerStep, dY: string, needInput: boolean,
  param: (name: string) => string, grads: Map<string, string>,
): string {
  const { layer, input: x, output: y, index } = step;
  switch (layer.type) {
    case 'dense': {
      grads.set(weightName(index), g.op('Gemm', [x, dY], { transA: 1 }));
      grads.set(biasName(index), g.op('ReduceSum', [dY, g.constantInt([0])], { keepdims: 0 }));
      return needInput ? g.op('Gemm', [dY, param(weightName(index))], { transB: 1 }) : '';
    }
    case 'relu':
      return g.op('Where', [g.op('Greater', [y, g.scalar(0)]), dY, g.scalar(0)]);
    case 'tanh':
      return g.op('Mul', [dY, g.op('Sub', [g.scalar(1), g.op('Mul', [y, y])])]);
    case 'sigmoid':
      return g.op('Mul', [dY, g.op('Mul', [y, g.op('Sub', [g.scalar(1), y])])]);
    case 'flatten':
      return g.op('Reshape', [dY, g.constantInt([-1, ...step.shapes.input])]);
    case 'dropout':
      return step.mask ? g.op('Mul', [dY, step.mask]) : dY;
    case 'randomShift':
      throw new Error(`layer ${index} (randomShift) must come before every trainable layer`);
    case 'conv2d': {
      // dW[o,i,a,b] = Σ_n,h,w dY[n,o,h,w]·Xpad[n,i,h+a,w+b]: a convolution of X (batch
      // and channels swapped) by dY used as the kernel.
      const p = convPad(layer);
      const swap = { perm: [1, 0, 2, 3] };
      const dW = g.op('Conv', [g.op('Transpose', [x], swap), g.op('Transpose', [dY], swap)], { pads: [p, p, p, p] });
      grads.set(weightName(index), g.op('Transpose', [dW], swap));
      grads.set(biasName(index), g.op('ReduceSum', [dY, g.constantInt([0, 2, 3])], { keepdims: 0 }));
      // The adjoint of a stride-1 convolution is the transposed convolution by the same kernel.
      return needInput ? g.op('ConvTranspose', [dY, param(weightName(index))], { pads: [p, p, p, p] }) : '';
    }
    case 'maxPool': {
      // Each window's gradient goes to its maximum, whose flat position the forward
      // pass recorded (windows do not overlap, so no position receives two).
      const flat = (v: string) => g.op('Reshape', [v, g.constantInt([-1])]);
      const zeros = g.op('ConstantOfShape', [g.op('Shape', [flat(x)])]);
      const routed = g.op('ScatterElements', [zeros, flat(step.indices!), flat(dY)], { axis: 0 });
      return g.op('Reshape', [routed, g.op('Shape', [x])]);
    }
  }
}
