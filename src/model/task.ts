/** The kinds of problem Rafiki serves; every dataset, template and job names one. */
export const TASKS = ['TABULAR_CLASSIFICATION', 'TABULAR_REGRESSION', 'IMAGE_CLASSIFICATION'] as const;
export type Task = (typeof TASKS)[number];

export function isTask(value: unknown): value is Task {
  return typeof value === 'string' && (TASKS as readonly string[]).includes(value);
}

/** Classification tasks answer probabilities per class; the others a number. */
export function isClassification(task: Task): boolean {
  return task !== 'TABULAR_REGRESSION';
}
