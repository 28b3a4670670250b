/** What a failed call raises: the HTTP status, the server's error code and its message. */
import type { ErrorCode } from '../common/errors.ts';

export class RafikiClientError extends Error {
  override readonly name = 'RafikiClientError';

  constructor(readonly status: number, readonly code: ErrorCode | 'NETWORK', message: string) {
    super(message);
  }
}
