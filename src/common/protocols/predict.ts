/**
 * Rafiki's `POST /predict` answers as a query frontend gives them, and as the
 * SDK and the Admin's relay read them. A classification's answer keeps the
 * probabilities in `prediction` and names the most probable class beside them;
 * a regression's answer is its value alone.
 */

/** Probabilities per class, in the model's class order (KServe v2 metadata's `classes`), or a regression's value. */
export type PredictionValue = number[] | number;

/** One query's answer. */
export interface LabelledPrediction {
  prediction: PredictionValue;
  /** Classification only: the most probable class (the first of them on a tie). */
  label?: string;
  /** Classification only: the probability of `label`. */
  label_probability?: number;
}

/** `{"query": q}` → this. */
export interface PredictAnswer extends LabelledPrediction {
  /** Some trial missed the deadline, so fewer trials were averaged. */
  partial?: true;
}

/** `{"queries": [...]}` → this; `labels` and `label_probabilities` follow `predictions`, for classification only. */
export interface PredictBatchAnswer {
  predictions: PredictionValue[];
  labels?: string[];
  label_probabilities?: number[];
  partial?: true;
}
