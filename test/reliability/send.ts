/**
 * Sends a corpus with bounded concurrency over HTTP/1.1 or HTTP/2, judges each
 * answer (no 5xx, every error in the service's one shape, every 400 naming
 * its field) and counts statuses by class.
 */
import http2 from 'node:http2';
import { ERROR_STATUS, type ErrorCode } from '../../src/common/errors.ts';
import type { Case } from './corpus.ts';

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** Sends one case with this Authorization header, unless the case has its own. */
export interface Transport {
  name: string;
  send(c: Case, authorization: string | undefined): Promise<Answer>;
  close(): void;
}

/** Long enough for a loaded 2-core machine; a case that takes longer has hung the service. */
const ANSWER_WITHIN_MS = 60_000;

export function http1(baseUrl: string): Transport {
  return {
    name: 'HTTP/1.1',
    async send(c, authorization) {
      const headers: Record<string, string> = { ...(authorization ? { authorization } : {}), ...c.headers };
      const response = await fetch(`${baseUrl}${c.url}`, {
        method: c.method, headers, redirect: 'manual', signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
        // As bytes: fetch would give a string body sent without a content type text/plain.
        ...(c.body === undefined ? {} : { body: Buffer.from(c.body) }),
      });
      return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
    },
    close() {},
  };
}

/**
 * h2c with prior knowledge, one session for every case while it lasts (a case
 * may make the server end it). Bun's client refuses new streams with
 * ENHANCE_YOUR_CALM while more than `maxSessionMemory` (10 MB by default) waits
 * to be sent, which a corpus of 14 MB bodies passes: its bound is raised.
 */
export function http2Transport(baseUrl: string): Transport {
  let session: http2.ClientHttp2Session | undefined;
  const open = () => {
    if (session && !session.closed && !session.destroyed) return session;
    session = http2.connect(baseUrl, { maxSessionMemory: 256 });
    session.on('error', () => {});
    return session;
  };
  return {
    name: 'HTTP/2',
    send(c, authorization) {
      return new Promise((resolve, reject) => {
        const headers = { ':method': c.method, ':path': c.url, ...(authorization ? { authorization } : {}), ...c.headers };
        const stream = open().request(headers);
        stream.setTimeout(ANSWER_WITHIN_MS, () => stream.close(http2.constants.NGHTTP2_CANCEL));
        let status = 0;
        let contentType = '';
        const chunks: Buffer[] = [];
        stream.on('response', (h) => {
          status = Number(h[':status']);
          contentType = String(h['content-type'] ?? '');
        });
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => resolve({ status, contentType, text: Buffer.concat(chunks).toString('utf8') }));
        stream.on('error', reject);
        stream.on('close', () => {
          if (status === 0) reject(new Error(`stream closed without an answer (code ${stream.rstCode})`));
        });
        stream.end(c.body === undefined ? undefined : Buffer.from(c.body));
      });
    },
    close: () => session?.close(),
  };
}

export interface Result {
  case: Case;
  /** Who sent it: "superadmin over HTTP/1.1". */
  as: string;
  answer: Answer | { error: string };
  /** How long the answer took, with `concurrency` others in flight. */
  ms: number;
}

/** Sends every case as `as`, `concurrency` at a time, in order of the cases. */
export async function sendAll(cases: Case[], transport: Transport, { as, authorization, concurrency = 8 }: { as: string; authorization?: string; concurrency?: number }): Promise<Result[]> {
  const results: Result[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      const c = cases[i]!;
      const started = performance.now();
      const answer = await transport.send(c, authorization).catch((error: unknown) => ({ error: (error as Error).message }));
      results[i] = { case: c, as: `${as} over ${transport.name}`, answer, ms: performance.now() - started };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** The error shapes: Rafiki's `{"error": {"code", "message"}}`, KServe v2's `{"error": "message"}`. */
export type ErrorShape = 'rafiki' | 'kserve';

/** What is wrong with an answer, or null when it is what every answer to bad input must be; `shapes`: the error shapes its route may answer. */
function problemOf(result: Result, shapes: ErrorShape[] = ['rafiki']): string | null {
  const { answer } = result;
  if ('error' in answer) return `no answer: ${answer.error}`;
  const { status, text } = answer;
  if (status >= 500) return `${status}: ${text.slice(0, 300)}`;
  if (result.case.headTooLarge) return status === 431 ? null : `${status} for a request head past Bun's limit, not 431`;
  if (status < 400) return null;
  if (!answer.contentType.startsWith('application/json')) return `${status} of content type ${JSON.stringify(answer.contentType)}, not JSON`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `${status} whose body is not JSON: ${JSON.stringify(text.slice(0, 200))}`;
  }
  const message = shapes.map((shape) => messageOf(body, shape, status)).find((m) => m !== null) ?? null;
  if (message === null) return `${status} not in the ${shapes.join(' or ')} error shape: ${text.slice(0, 300)}`;
  if ((status === 400 || status === 422) && !result.case.names.some((name) => names(message, name))) {
    return `${status} does not name ${result.case.names.length === 1 ? result.case.names[0] : `any of ${result.case.names.join(', ')}`}: ${JSON.stringify(message)}`;
  }
  return null;
}

/** Whether `message` holds `name` as a word of its own ('name' is not in 'named'). */
function names(message: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:^|[^A-Za-z0-9_])${escaped}(?:[^A-Za-z0-9_]|$)`).test(message);
}

function messageOf(body: unknown, shape: ErrorShape, status: number): string | null {
  const error = (body as { error?: unknown } | null)?.error;
  if (shape === 'kserve') return typeof error === 'string' && error !== '' ? error : null;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message !== 'string' || message === '' || typeof code !== 'string') return null;
  return ERROR_STATUS[code as ErrorCode] === status ? message : null;
}

/** The requests in all, their statuses by class and by status, and the slowest. */
export function summary(results: Result[]): string {
  const byClass = new Map<string, number>();
  const byStatus = new Map<string, number>();
  for (const { answer } of results) {
    const status = 'error' in answer ? 'no answer' : String(answer.status);
    const kind = 'error' in answer ? 'no answer' : `${status[0]}xx`;
    byClass.set(kind, (byClass.get(kind) ?? 0) + 1);
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }
  const line = (counts: Map<string, number>) => [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`).join(', ');
  const slowest = results.reduce<Result | undefined>((worst, r) => (worst && worst.ms >= r.ms ? worst : r), undefined);
  const slow = slowest ? `; slowest ${Math.round(slowest.ms)} ms (${slowest.case.operation}, ${slowest.case.what})` : '';
  return `${results.length} requests; by class ${line(byClass)}; by status ${line(byStatus)}${slow}`;
}

/** Every problem, one line each, for a failing test's message. */
export function problems(results: Result[], shapesOf: (c: Case) => ErrorShape[] = () => ['rafiki']): string[] {
  return results.flatMap((result) => {
    const problem = problemOf(result, shapesOf(result.case));
    return problem ? [`${result.as}: ${result.case.method} ${result.case.url.slice(0, 120)} (${result.case.what}): ${problem}`] : [];
  });
}
