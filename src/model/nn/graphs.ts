/**
 * The two graphs a network runs in onnxruntime while it is being trained: a
 * training graph (many optimiser steps in one Loop, so that one session.run
 * covers many batches and the weights cross into JavaScript once per run), and a
 * prediction graph whose weights are inputs (so it serves every epoch's weights).
 */
import { encodeModel, GraphBuilder } from '../onnx/builder.ts';
import { emitBackward } from './backward.ts';
import { emitForward, emitPrediction } from './forward.ts';
import { emitLoss } from './loss.ts';
import { emitUpdates, stateSuffixes, type OptimizerSpec } from './optimizer.ts';
import { outputSize, paramInfos, type NetworkSpec } from './spec.ts';

/** Names of the training graph's inputs and outputs. */
export const TRAIN_IO = {
  x: 'x', y: 'y', order: 'order', batch: 'batch', trips: 'trips', lr: 'lr', step: 'step',
  stepOut: 'step_out', losses: 'losses',
} as const;

export const stateName = (param: string, suffix: string) => `${param}.${suffix}`;
export const outName = (name: string) => `${name}_out`;

export interface TrainGraph {
  bytes: Uint8Array;
  /** Parameters then optimiser states, the values carried from one run to the next. */
  carried: { name: string; shape: number[] }[];
}

/**
 * Inputs: x [R, ...input], y [R], order (int32 [K]: rows in training order), batch,
 * trips (int64 scalars: rows per step, steps), lr, step (float32 scalars: learning
 * rate, steps done so far) and every carried value. Outputs: each carried value
 * as `<name>_out`, `step_out`, and the loss of each step, `losses` [trips].
 */
export function buildTrainGraph(spec: NetworkSpec, opt: OptimizerSpec, opts: { seed: number }): TrainGraph {
  const infos = paramInfos(spec);
  const suffixes = stateSuffixes(opt);
  const carried = infos.flatMap((p) => [
    { name: p.name, shape: p.shape },
    ...suffixes.map((s) => ({ name: stateName(p.name, s), shape: p.shape })),
  ]);
  const g = new GraphBuilder('train');
  const x = g.input(TRAIN_IO.x, 'float32', ['R', ...spec.input]);
  const y = g.input(TRAIN_IO.y, 'float32', ['R']);
  const order = g.input(TRAIN_IO.order, 'int32', ['K']);
  const batch = g.input(TRAIN_IO.batch, 'int64', []);
  const trips = g.input(TRAIN_IO.trips, 'int64', []);
  const lr = g.input(TRAIN_IO.lr, 'float32', []);
  const step = g.input(TRAIN_IO.step, 'float32', []);
  for (const c of carried) g.input(c.name, 'float32', c.shape);

  const body = g.subgraph('step');
  const iter = body.input(body.fresh('iter'), 'int64', []);
  const cond = body.input(body.fresh('cond'), 'bool', []);
  const stepIn = body.input(body.fresh('step'), 'float32', []);
  const inner = new Map(carried.map((c) => [c.name, body.input(body.fresh(c.name.replace('.', '_')), 'float32')]));
  const param = (name: string) => inner.get(name)!;

  const start = body.op('Unsqueeze', [body.op('Mul', [iter, batch]), body.constantInt([0])]);
  const end = body.op('Add', [start, body.op('Unsqueeze', [batch, body.constantInt([0])])]);
  const rows = body.op('Slice', [order, start, end, body.constantInt([0])]);
  const xb = body.op('Gather', [x, rows], { axis: 0 });
  const yb = body.op('Gather', [y, rows], { axis: 0 });
  const count = body.op('Cast', [body.op('Squeeze', [body.op('Shape', [rows])])], { to: 1 });

  const { output, steps } = emitForward(body, spec, xb, { training: true, seed: opts.seed, param });
  const { loss, dOutput } = emitLoss(body, spec.loss, output, yb, count, outputSize(spec));
  const grads = emitBackward(body, steps, dOutput, param);
  const stepNext = body.op('Add', [stepIn, body.scalar(1)]);
  const updates = emitUpdates(body, opt, infos.map((p) => ({
    value: param(p.name),
    grad: grads.get(p.name)!,
    state: suffixes.map((s) => param(stateName(p.name, s))),
    decay: p.kind === 'weight',
  })), lr, stepNext);

  body.output(body.op('Identity', [cond]), 'bool');
  body.output(stepNext, 'float32');
  updates.forEach((u) => {
    body.output(u.value, 'float32');
    u.state.forEach((s) => body.output(s, 'float32'));
  });
  body.output(loss, 'float32');

  g.opMulti('Loop', [trips, '', step, ...carried.map((c) => c.name)], carried.length + 2,
    { body: body.toGraph() }, [TRAIN_IO.stepOut, ...carried.map((c) => outName(c.name)), TRAIN_IO.losses]);
  g.output(TRAIN_IO.stepOut, 'float32', []);
  for (const c of carried) g.output(outName(c.name), 'float32', c.shape);
  g.output(TRAIN_IO.losses, 'float32', ['T']);
  return { bytes: encodeModel(g), carried };
}

/** x [N, ...input] and every parameter as inputs → `prediction` (probabilities or values). */
export function buildPredictGraph(spec: NetworkSpec): Uint8Array {
  const g = new GraphBuilder('predict');
  const x = g.input('x', 'float32', ['N', ...spec.input]);
  for (const p of paramInfos(spec)) g.input(p.name, 'float32', p.shape);
  const prediction = emitPrediction(g, spec, x, (name) => name);
  g.output(prediction, 'float32', spec.loss === 'mse' ? ['N'] : ['N', outputSize(spec)], 'prediction');
  return encodeModel(g);
}
