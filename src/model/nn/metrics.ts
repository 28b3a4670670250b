/** Scores that templates report and evaluate with (higher is better). */

/** Share of rows whose most probable class is the label; `probabilities` is rows × classes. */
export function accuracy(probabilities: Float32Array, labels: ArrayLike<number>): number {
  const rows = labels.length;
  if (rows === 0) return 0;
  const classes = probabilities.length / rows;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[r * classes + c]! > probabilities[r * classes + best]!) best = c;
    if (best === labels[r]) correct++;
  }
  return correct / rows;
}

/** Coefficient of determination: 1 − SSres/SStot (0 for predicting the mean; may be negative). */
export function r2Score(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  const n = actual.length;
  if (n === 0) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += actual[i]!;
  mean /= n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    res += (actual[i]! - predicted[i]!) ** 2;
    tot += (actual[i]! - mean) ** 2;
  }
  return tot > 0 ? 1 - res / tot : res === 0 ? 1 : 0;
}

/** A row-major matrix as one plain array per row (JSON-serialisable predictions). */
export function toRows(flat: Float32Array, width: number): number[][] {
  return Array.from({ length: flat.length / width }, (_, r) => Array.from(flat.subarray(r * width, (r + 1) * width)));
}
