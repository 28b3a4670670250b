/** What a task's predictions look like: probabilities over `classes`, or one number. */
export type PredictionShape = { classes: number } | 'number';

/** Tolerance of a probability vector's sum around 1. */
const SUM_TOLERANCE = 1e-3;

/**
 * Checks that `predictions` answers `count` queries with the task's shape and
 * survives JSON (the frontends send it as JSON). Throws an Error naming the first
 * bad prediction.
 *
 * @example
 * checkPredictions(await model.predict(queries), queries.length, { classes: 3 });
 */
export function checkPredictions(predictions: unknown, count: number, shape: PredictionShape): void {
  if (!Array.isArray(predictions)) throw new Error(`predict must return an array, not ${describe(predictions)}`);
  if (predictions.length !== count) {
    throw new Error(`predict returned ${predictions.length} prediction${predictions.length === 1 ? '' : 's'} for ${count} quer${count === 1 ? 'y' : 'ies'}`);
  }
  predictions.forEach((prediction: unknown, i) => {
    const fail = (problem: string): never => {
      throw new Error(`prediction ${i} ${problem}: ${describe(prediction)}`);
    };
    if (shape === 'number') {
      if (typeof prediction !== 'number' || !Number.isFinite(prediction)) fail('must be a finite number');
      return;
    }
    if (!Array.isArray(prediction)) fail(`must be a plain array of ${shape.classes} probabilities (typed arrays do not survive JSON)`);
    const probabilities = prediction as unknown[];
    if (probabilities.length !== shape.classes) fail(`has ${probabilities.length} probabilities but there are ${shape.classes} classes`);
    if (!probabilities.every((p) => typeof p === 'number' && Number.isFinite(p) && p >= -1e-6 && p <= 1 + 1e-6)) {
      fail('must hold finite probabilities between 0 and 1');
    }
    const sum = (probabilities as number[]).reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > SUM_TOLERANCE) fail(`has probabilities summing to ${sum}, not 1`);
  });
}

/**
 * The largest difference between two lists of predictions of the same shape,
 * relative to the magnitude for values beyond ±1: FP32 inference keeps about seven
 * significant digits, so a regression answer of 300 000 cannot agree to 1e-4 in
 * absolute terms. Infinity when the shapes differ.
 */
export function maxDifference(a: unknown[], b: unknown[]): number {
  const flat = (list: unknown[]) => list.flatMap((p) => (Array.isArray(p) ? p : [p])) as number[];
  const x = flat(a);
  const y = flat(b);
  if (x.length !== y.length) return Infinity;
  return x.reduce((max, v, i) => Math.max(max, Math.abs(v - y[i]!) / Math.max(1, Math.abs(y[i]!))), 0);
}

function describe(value: unknown): string {
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
