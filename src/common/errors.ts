/**
 * One table of error codes, each mapped to its HTTP status. A new code does not
 * compile until it has a status. Every service answers errors as
 * `{"error": {"code": "...", "message": "..."}}`.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** An error meant for the caller: its message is shown to them as it is. */
export class RafikiError extends Error {
  override readonly name = 'RafikiError';

  /** `retryAfterSeconds`: when to try again, sent as Retry-After (with TOO_MANY_REQUESTS, UNAVAILABLE). */
  constructor(readonly code: ErrorCode, message: string, readonly retryAfterSeconds?: number) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

export const badRequest = (message: string) => new RafikiError('BAD_REQUEST', message);
export const unauthorized = (message: string) => new RafikiError('UNAUTHORIZED', message);
export const forbidden = (message: string) => new RafikiError('FORBIDDEN', message);
export const notFound = (message: string) => new RafikiError('NOT_FOUND', message);
export const conflict = (message: string) => new RafikiError('CONFLICT', message);

export function codeForStatus(status: number): ErrorCode {
  const entry = Object.entries(ERROR_STATUS).find(([, s]) => s === status);
  return (entry?.[0] as ErrorCode | undefined) ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}
