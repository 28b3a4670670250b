/**
 * The Admin asking a deployed job's predictor on a user's behalf: what the
 * dashboard shows of a job (its model's inputs and classes, a try-it query, its
 * serving figures) goes through the Admin with the user's own token, so the page
 * needs no other origin, and the predictor checks the token as for any query.
 */
import { readFileSync } from 'node:fs';
import { RafikiError } from '../../common/errors.ts';

const TIMEOUT_MS = 10_000;

export async function askPredictor(
  predictorHost: string,
  /** `ca`: the certificate the frontends serve (RAFIKI_TLS_CERT), when they speak TLS. */
  request: { method: 'GET' | 'POST'; path: string; authorization: string; json?: unknown; ca?: string },
): Promise<{ status: number; text: string; contentType: string }> {
  const url = `${request.ca ? 'https' : 'http'}://${predictorHost}${request.path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers: { authorization: request.authorization, ...(request.json !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(request.json !== undefined ? { body: JSON.stringify(request.json) } : {}),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      ...(request.ca ? { tls: { ca: request.ca } } : {}),
    } as RequestInit);
  } catch (error) {
    throw new RafikiError('UNAVAILABLE', `the inference job's predictor at ${predictorHost} did not answer: ${(error as Error).message}`);
  }
  return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') ?? 'application/json' };
}

/** The predictor's answer as it gave it: its status, and its error's words. */
export const relayAnswer = (answer: { status: number; text: string; contentType: string }) =>
  new Response(answer.text, { status: answer.status, headers: { 'content-type': answer.contentType } });

/**
 * Asks a job's predictor on behalf of the request's caller (their Authorization header), over TLS
 * with the frontends' certificate when `tlsCert` names one.
 */
export function predictorAsker(tlsCert: string | undefined) {
  const ca = tlsCert ? readFileSync(tlsCert, 'utf8') : undefined;
  return (job: { predictorHost: string }, request: Request, method: 'GET' | 'POST', path: string, json?: unknown) =>
    askPredictor(job.predictorHost, { method, path, authorization: request.headers.get('authorization') ?? '', ...(json !== undefined ? { json } : {}), ...(ca ? { ca } : {}) });
}
