import { sortLabels } from '../model/datasets/values.ts';
import type { Task } from '../model/task.ts';

export type Prediction = number[] | number;

/**
 * Combines the trials' predictions of one query (docs/design.md §6): classification
 * probabilities averaged class by class, aligned by label (the ensemble's
 * classes are the trials' shared list, or the sorted union when they differ; a
 * class a trial lacks counts as 0 for it); regression values averaged. Only the
 * trials that answered take part.
 *
 * @example
 * const e = ensemble('TABULAR_CLASSIFICATION', [{ classes: ['a', 'b'] }, { classes: ['b', 'c'] }]);
 * e.classes;                                   // ['a', 'b', 'c']
 * e.combine([[0.2, 0.8], null]);               // [0.2, 0.8, 0]
 * e.combine([[0.2, 0.8], [0.5, 0.5]]);         // [0.1, 0.65, 0.25]
 * e.label([0.1, 0.65, 0.25]);                  // { label: 'b', probability: 0.65 }
 */
export function ensemble(task: Task, trials: { classes: string[] }[]) {
  const regression = task === 'TABULAR_REGRESSION';
  const first = trials[0]?.classes ?? [];
  const same = trials.every((t) => t.classes.join('\u0000') === first.join('\u0000'));
  const classes = same ? [...first] : sortLabels(new Set(trials.flatMap((t) => t.classes)));
  const positions = trials.map((t) => t.classes.map((label) => classes.indexOf(label)));
  return {
    classes,
    /** One prediction per trial, in the trials' order, null where a trial gave none; at least one must be there. */
    combine(predictions: (Prediction | null)[]): Prediction {
      const present = predictions.filter((p) => p !== null);
      if (present.length === 0) throw new Error('no trial answered');
      // One answer in the ensemble's own class order is the ensemble's answer as it is.
      if (present.length === 1 && same) return present[0]!;
      if (regression) return (present as number[]).reduce((a, b) => a + b, 0) / present.length;
      const sum = new Array<number>(classes.length).fill(0);
      predictions.forEach((p, t) => {
        if (p === null) return;
        (p as number[]).forEach((value, k) => {
          sum[positions[t]![k]!]! += value;
        });
      });
      return sum.map((v) => v / present.length);
    },
    /** The most probable class of a combined prediction (the first of them on a tie), or null for regression. */
    label(prediction: Prediction): { label: string; probability: number } | null {
      if (regression || typeof prediction === 'number') return null;
      let best = 0;
      for (let k = 1; k < prediction.length; k++) if (prediction[k]! > prediction[best]!) best = k;
      return { label: classes[best]!, probability: prediction[best]! };
    },
  };
}

export type Ensemble = ReturnType<typeof ensemble>;
