import { expect } from 'bun:test';
import { RafikiClientError } from '../../src/client/index.ts';

/** The RafikiClientError a call fails with; fails the test when the call succeeds. */
export async function failure(promise: Promise<unknown>): Promise<RafikiClientError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RafikiClientError);
  return error as RafikiClientError;
}
