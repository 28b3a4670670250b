/** Fetches a `dataset_url` as a stream, with a time limit, for the blob store to stage. */
import { badRequest } from '../../common/errors.ts';

export async function fetchStream(url: string, timeoutMs: number): Promise<AsyncIterable<Uint8Array>> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest(`dataset_url is not a URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw badRequest('dataset_url must be an http:// or https:// URL');
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(parsed, { signal, redirect: 'follow' });
  } catch (error) {
    const reason = signal.aborted ? `no answer within ${timeoutMs / 1000} s` : (error as Error).message;
    throw badRequest(`cannot download dataset_url ${url}: ${reason}`);
  }
  if (!response.ok || !response.body) throw badRequest(`cannot download dataset_url ${url}: the server answered ${response.status} ${response.statusText}`);
  const body = response.body;
  return (async function* () {
    const reader = body.getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
    } catch (error) {
      throw badRequest(`downloading dataset_url ${url} failed: ${signal.aborted ? `not done within ${timeoutMs / 1000} s` : (error as Error).message}`);
    }
  })();
}
