import { codeForStatus } from '../common/errors.ts';

/**
 * The protocol-neutral request and response that the listeners hand to the
 * handler: HTTP/2 and HTTP/1.1 alike. The handler gets the request's head and
 * reads its body only once the route and the caller are known, so a request that
 * is refused costs no buffered body.
 */
export interface RequestHead {
  method: string;
  /** The path without the query string. */
  path: string;
  /** The Authorization header, if any. */
  authorization?: string;
}

/** What a route gets: the head and the body, read within its limit. */
export interface HttpRequest extends RequestHead {
  body: Buffer;
}

/** Reads the body within the listener's limit; a larger one is a PAYLOAD_TOO_LARGE RafikiError (413). */
export type BodyReader = () => Promise<Buffer>;

export interface HttpResponse {
  status: number;
  body: string;
  /** Default `application/json` (exactly: Rafiki's Python client compares the string). */
  contentType?: string;
}

export type Handler = (head: RequestHead, readBody: BodyReader) => Promise<HttpResponse>;

export const json = (status: number, value: unknown): HttpResponse => ({ status, body: JSON.stringify(value) });
/** An error in the Admin's shape, `{"error": {"code", "message"}}`, its code from the one table of src/common/errors.ts. */
export const errorResponse = (status: number, message: string): HttpResponse => json(status, { error: { code: codeForStatus(status), message } });
/** An error of the KServe v2 routes, in KServe's shape: `{"error": "message"}`. */
export const v2ErrorResponse = (status: number, message: string): HttpResponse => json(status, { error: message });
