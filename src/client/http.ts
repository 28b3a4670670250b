/** The Admin's transport: JSON over fetch with a Bearer token, errors made typed. */
import type { ErrorBody, ErrorCode } from '../common/errors.ts';
import { RafikiClientError } from './errors.ts';

export type Query = Record<string, string | number | undefined>;

export interface RequestOptions {
  query?: Query;
  json?: unknown;
  /** A streamed multipart body (see multipart.ts). */
  multipart?: { body: ReadableStream<Uint8Array>; contentType: string };
  /** Answer the raw bytes instead of parsing JSON. */
  binary?: boolean;
  /** Answer the body as a stream, as it arrives. */
  stream?: boolean;
  /** Ends the request, and a streamed answer's body, when aborted. */
  signal?: AbortSignal;
}

export class AdminHttp {
  token: string | undefined;

  constructor(readonly baseUrl: string) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(path, this.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: BodyInit | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.multipart) {
      headers['content-type'] = options.multipart.contentType;
      body = options.multipart.body;
    }
    let response: Response;
    try {
      // `duplex` lets Node's fetch send a streamed body; Bun ignores it.
      response = await fetch(url, { method, headers, body, signal: options.signal, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
    } catch (error) {
      // An abort is the caller's own doing: it sees the signal's reason, as from fetch.
      if (options.signal?.aborted) throw error;
      throw new RafikiClientError(0, 'NETWORK', `cannot reach the Admin at ${this.baseUrl}: ${(error as Error).message}`);
    }
    if (!response.ok) throw await toError(response);
    if (options.binary) return new Uint8Array(await response.arrayBuffer()) as T;
    if (options.stream) return response.body as T;
    return (await response.json()) as T;
  }
}

async function toError(response: Response): Promise<RafikiClientError> {
  const text = await response.text();
  try {
    const { error } = JSON.parse(text) as ErrorBody;
    return new RafikiClientError(response.status, error.code, error.message);
  } catch {
    return new RafikiClientError(response.status, 'INTERNAL' satisfies ErrorCode, text || response.statusText);
  }
}
