import { InputError } from '../errors.ts';

/**
 * A query that does not fit the model's input; the message names the query's
 * index and the feature or pixel. An InputError, so frontends answer 400 with it.
 */
export class QueryError extends InputError {
  constructor(readonly index: number, problem: string) {
    super(`query ${index}: ${problem}`);
  }
}
