/**
 * The Advisor's HTTP service (docs/design.md §5): a thin Elysia layer over a
 * SessionStore. Unknown fields are refused (`normalize: false`), errors answer
 * `{"error": {"code", "message"}}`.
 */
import { Elysia, t } from 'elysia';
import { httpErrors } from '../common/http-errors.ts';
import { advisorJsonBody } from './json-parse.ts';
import { CreateSessionSchema, DecisionSchema, FeedbackSchema, SessionCreatedSchema } from './schema.ts';
import { SessionStore } from './sessions.ts';

/** Bodies carry knob configs and histories of past trials; 16 MB is ample. */
const BODY_LIMIT = 16 * 1024 * 1024;

/**
 * @example
 * const app = createAdvisorApp();
 * const res = await app.handle(new Request('http://advisor/advisors', {
 *   method: 'POST', headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ knob_config: { lr: { type: 'float', min: 1e-4, max: 1e-1, log: true } } }),
 * }));
 * const { id } = await res.json();
 */
export function createAdvisorApp(sessions: SessionStore = new SessionStore()) {
  const id = t.Object({ id: t.String() });
  return new Elysia({ normalize: false })
    .use(httpErrors)
    .use(advisorJsonBody(BODY_LIMIT))
    .get('/health', () => ({ status: 'ok' }))
    .post('/advisors', ({ body }) => sessions.create(body), {
      body: CreateSessionSchema,
      response: SessionCreatedSchema,
    })
    .post('/advisors/:id/propose', ({ params, set }) => {
      const proposal = sessions.propose(params.id);
      if (proposal) return proposal;
      set.status = 204;
      return null;
    }, { params: id })
    .post('/advisors/:id/feedback', ({ params, body }) => sessions.feedback(params.id, body), {
      params: id,
      body: FeedbackSchema,
      response: DecisionSchema,
    })
    .delete('/advisors/:id', ({ params }) => {
      sessions.delete(params.id);
      return { deleted: params.id };
    }, { params: id });
}

export type AdvisorApp = ReturnType<typeof createAdvisorApp>;
