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
export const errorResponse = (status: number, message: string): HttpResponse => json(status, { error: message });
