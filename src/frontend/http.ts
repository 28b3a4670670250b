import { codeForStatus } from '../common/errors.ts';

/**
 * The protocol-neutral request and response that the listeners hand to the
 * routes: HTTP/2 and HTTP/1.1 alike, the body already read within its limit.
 */
export interface HttpRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  /** The Authorization header, if any. */
  authorization?: string;
  body: Buffer;
}

export interface HttpResponse {
  status: number;
  body: string;
  /** Default `application/json` (exactly: Rafiki's Python client compares the string). */
  contentType?: string;
}

export type Handler = (request: HttpRequest) => Promise<HttpResponse>;

export const json = (status: number, value: unknown): HttpResponse => ({ status, body: JSON.stringify(value) });
/** An error in the Admin's shape, `{"error": {"code", "message"}}`, its code from the one table of src/common/errors.ts. */
export const errorResponse = (status: number, message: string): HttpResponse => json(status, { error: { code: codeForStatus(status), message } });
/** An error of the KServe v2 routes, in KServe's shape: `{"error": "message"}`. */
export const v2ErrorResponse = (status: number, message: string): HttpResponse => json(status, { error: message });
