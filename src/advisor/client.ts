/**
 * How the Admin talks to the Advisor, in its own process or over HTTP: one
 * interface, two thin implementations, the same errors (RafikiError) from both.
 */
import { RafikiError, type ErrorBody, type ErrorCode } from '../common/errors.ts';
import type { CreateSessionRequest, Feedback, FeedbackResult, Proposal } from './schema.ts';
import type { SessionStore } from './sessions.ts';

export interface Advisor {
  createSession(request: CreateSessionRequest): Promise<{ id: string }>;
  /** The next trial, or null when the session is done (HTTP 204). */
  propose(sessionId: string): Promise<Proposal | null>;
  feedback(sessionId: string, feedback: Feedback): Promise<FeedbackResult>;
  deleteSession(sessionId: string): Promise<void>;
}

export type { CreateSessionRequest, Feedback, FeedbackResult, HistoryItem, Proposal, StoppingConfig } from './schema.ts';

/**
 * Direct calls into a SessionStore in this process: the Admin's default.
 *
 * @example
 * const advisor = localAdvisor(new SessionStore());
 * const { id } = await advisor.createSession({ knob_config: Mlp.knobConfig, strategy: 'auto' });
 * const trial = await advisor.propose(id);
 */
export function localAdvisor(sessions: SessionStore): Advisor {
  return {
    createSession: async (request) => sessions.create(request),
    propose: async (id) => sessions.propose(id),
    feedback: async (id, feedback) => sessions.feedback(id, feedback),
    deleteSession: async (id) => sessions.delete(id),
  };
}

export interface HttpAdvisorOptions {
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * The Advisor service at `baseUrl` (as started by `bun run advisor`).
 *
 * @example
 * const advisor = httpAdvisor('http://127.0.0.1:3002');
 * const { decision } = await advisor.feedback(id, { trial_no: 3, step: 9, score: 0.71, final: false });
 */
export function httpAdvisor(baseUrl: string, { fetch = globalThis.fetch }: HttpAdvisorOptions = {}): Advisor {
  const base = baseUrl.replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const response = await fetch(new Request(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      // JSON.stringify writes NaN and ±Infinity as null: a failed trial, as the API reads it.
      body: body === undefined ? undefined : JSON.stringify(body),
    }));
    if (!response.ok) throw await toError(response);
    return response;
  };
  const id = encodeURIComponent;
  return {
    createSession: async (request) => (await call('POST', '/advisors', request)).json() as Promise<{ id: string }>,
    propose: async (sessionId) => {
      const response = await call('POST', `/advisors/${id(sessionId)}/propose`);
      return response.status === 204 ? null : (response.json() as Promise<Proposal>);
    },
    feedback: async (sessionId, feedback) =>
      (await call('POST', `/advisors/${id(sessionId)}/feedback`, feedback)).json() as Promise<FeedbackResult>,
    deleteSession: async (sessionId) => {
      await call('DELETE', `/advisors/${id(sessionId)}`);
    },
  };
}

async function toError(response: Response): Promise<RafikiError> {
  const text = await response.text();
  try {
    const { error } = JSON.parse(text) as ErrorBody;
    return new RafikiError(error.code as ErrorCode, error.message);
  } catch {
    const code = response.status >= 500 ? 'UNAVAILABLE' : response.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
    return new RafikiError(code, `advisor answered ${response.status}: ${text.slice(0, 200)}`);
  }
}
