/** What a failed call raises: the HTTP status, the server's error code and its message. */
import type { ErrorCode } from '../common/errors.ts';

/** What every failed SDK call throws: `status` (0 when the network failed), the Admin's or predictor's error `code`, and its message. */
export class RafikiClientError extends Error {
  override readonly name = 'RafikiClientError';

  constructor(readonly status: number, readonly code: ErrorCode | 'NETWORK', message: string) {
    super(message);
  }
}
