/**
 * A problem with what a user gave (a template, a dataset, a query). Services
 * answer it with 400 and its message as it is; the SDK stays free of any server code.
 */
export class InputError extends Error {
  readonly status = 400;
}
