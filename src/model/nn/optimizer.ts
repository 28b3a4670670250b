/**
 * Optimiser updates as ONNX nodes. Weight decay is L2 on weights (not biases),
 * added to the gradient.
 */
import type { GraphBuilder } from '../onnx/builder.ts';

export type OptimizerSpec =
  | { type: 'adam'; learningRate: number; beta1?: number; beta2?: number; epsilon?: number; weightDecay?: number }
  | { type: 'sgd'; learningRate: number; momentum?: number; weightDecay?: number };

/** Checks an optimiser's settings at once, naming the bad one. */
export function checkOptimizer(opt: OptimizerSpec): void {
  const check = (ok: boolean, what: string, rule: string, value: unknown) => {
    if (!ok) throw new Error(`optimizer ${opt.type}: ${what} must be ${rule}, got ${value}`);
  };
  check(opt.learningRate > 0, 'learningRate', 'positive', opt.learningRate);
  check((opt.weightDecay ?? 0) >= 0, 'weightDecay', 'non-negative', opt.weightDecay);
  const fraction = (what: string, v: number | undefined) => check(v === undefined || (v >= 0 && v < 1), what, 'in [0, 1)', v);
  if (opt.type === 'sgd') fraction('momentum', opt.momentum);
  else {
    fraction('beta1', opt.beta1);
    fraction('beta2', opt.beta2);
    check(opt.epsilon === undefined || opt.epsilon > 0, 'epsilon', 'positive', opt.epsilon);
  }
}

/** The state tensors (same shape as the parameter) the optimiser keeps per parameter. */
export function stateSuffixes(opt: OptimizerSpec): string[] {
  if (opt.type === 'adam') return ['m', 'v'];
  return (opt.momentum ?? 0) > 0 ? ['velocity'] : [];
}

export interface UpdateInput { value: string; grad: string; state: string[]; decay: boolean }

/**
 * Emits one step for all parameters. `lr` is a float32 scalar; `step` the 1-based
 * step count (float32 scalar), for Adam's bias correction.
 */
export function emitUpdates(g: GraphBuilder, opt: OptimizerSpec, params: UpdateInput[], lr: string, step: string): { value: string; state: string[] }[] {
  const decayed = (p: UpdateInput) => (p.decay && opt.weightDecay
    ? g.op('Add', [p.grad, g.op('Mul', [p.value, g.scalar(opt.weightDecay)])])
    : p.grad);
  if (opt.type === 'sgd') {
    const momentum = opt.momentum ?? 0;
    return params.map((p) => {
      const grad = decayed(p);
      if (momentum === 0) return { value: g.op('Sub', [p.value, g.op('Mul', [grad, lr])]), state: [] };
      const velocity = g.op('Add', [g.op('Mul', [p.state[0]!, g.scalar(momentum)]), grad]);
      return { value: g.op('Sub', [p.value, g.op('Mul', [velocity, lr])]), state: [velocity] };
    });
  }
  const b1 = opt.beta1 ?? 0.9;
  const b2 = opt.beta2 ?? 0.999;
  // Bias correction folded into the step size: lr·√(1−β2ᵗ)/(1−β1ᵗ).
  const correction = (beta: number) => g.op('Sub', [g.scalar(1), g.op('Pow', [g.scalar(beta), step])]);
  const lrT = g.op('Div', [g.op('Mul', [lr, g.op('Sqrt', [correction(b2)])]), correction(b1)]);
  const eps = g.scalar(opt.epsilon ?? 1e-7);
  return params.map((p) => {
    const grad = decayed(p);
    const [m, v] = p.state as [string, string];
    const m1 = g.op('Add', [m, g.op('Mul', [g.op('Sub', [grad, m]), g.scalar(1 - b1)])]);
    const v1 = g.op('Add', [v, g.op('Mul', [g.op('Sub', [g.op('Mul', [grad, grad]), v]), g.scalar(1 - b2)])]);
    const delta = g.op('Div', [g.op('Mul', [m1, lrT]), g.op('Add', [g.op('Sqrt', [v1]), eps])]);
    return { value: g.op('Sub', [p.value, delta]), state: [m1, v1] };
  });
}
