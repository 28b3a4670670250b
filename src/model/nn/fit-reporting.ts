/**
 * The training loop templates share: fit a network epoch by epoch, log the loss
 * and a score, and report the score so the Advisor may stop the trial early.
 */
import type { TrainContext } from '../model.ts';
import { mulberry32, permutation } from '../random.ts';
import type { FitOptions, Network } from './network.ts';

/** Rows of the training set scored after each epoch: enough to rank trials, cheap to predict. */
const SCORE_ROWS = 1000;

export interface ReportingOptions extends Omit<FitOptions, 'onEpoch'> {
  ctx: TrainContext;
  /** Name of the score in the logs, e.g. 'accuracy'. */
  scoreName: string;
  /** Scores predictions (as `Network.predict` gives them) against the labels. */
  score: (predictions: Float32Array, labels: Float32Array) => number;
}

/**
 * @example
 * await fitWithReports(net, x, y, { epochs, batchSize, optimizer, ctx, scoreName: 'accuracy', score: accuracy });
 * @returns the number of epochs trained (fewer when the Advisor stopped the trial).
 */
export async function fitWithReports(net: Network, x: Float32Array, y: Float32Array, opts: ReportingOptions): Promise<number> {
  const { ctx, scoreName, score, ...fit } = opts;
  const sample = scoreSample(x, y, net.inputSize, fit.seed ?? 0);
  ctx.definePlot('Loss', ['loss'], 'epoch');
  ctx.definePlot(`Training ${scoreName}`, [scoreName], 'epoch');
  const { epochs } = await net.fit(x, y, {
    ...fit,
    onEpoch: async ({ epoch, loss }) => {
      const value = score(await net.predict(sample.x), sample.y);
      ctx.log({ epoch, loss, [scoreName]: value });
      return ctx.report({ step: epoch, score: value });
    },
  });
  return epochs;
}

function scoreSample(x: Float32Array, y: Float32Array, width: number, seed: number): { x: Float32Array; y: Float32Array } {
  if (y.length <= SCORE_ROWS) return { x, y };
  const rows = permutation(y.length, mulberry32(seed ^ 0x5eed)).subarray(0, SCORE_ROWS);
  const sx = new Float32Array(SCORE_ROWS * width);
  const sy = new Float32Array(SCORE_ROWS);
  rows.forEach((r, i) => {
    sx.set(x.subarray(r * width, (r + 1) * width), i * width);
    sy[i] = y[r]!;
  });
  return { x: sx, y: sy };
}
