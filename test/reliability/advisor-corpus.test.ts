/**
 * The Advisor's bad-input corpus, against the Advisor on its own port (as
 * `bun run advisor` serves it): cases generated from its schemas and
 * hand-made ones (advisor-cases.ts). No answer is a 5xx, every error is
 * `{"error": {"code", "message"}}`, every 400 names its field, and the
 * Advisor still serves a session afterwards.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import { httpAdvisor } from '../../src/advisor/client.ts';
import { startAdvisorServer } from '../../src/advisor/server.ts';
import { advisorCases, advisorOperations, KNOB_CONFIG } from './advisor-cases.ts';
import { casesOf, type Case } from './corpus.ts';
import { http1, problems, sendAll, summary } from './send.ts';

setDefaultTimeout(300_000);

let server: ReturnType<typeof startAdvisorServer>;

beforeAll(() => {
  server = startAdvisorServer({ port: 0 });
});
afterAll(async () => {
  await server?.stop();
});

test('sent to the Advisor: no 5xx, every error in the one shape, every 400 names its field', async () => {
  const advisor = httpAdvisor(server.url);
  const session = async () => (await advisor.createSession({ knob_config: KNOB_CONFIG as never, seed: 1 })).id;
  const sessions = { propose: await session(), feedback: await session(), remove: await session() };
  // Trials 1 to 3 proposed, the first with its final score: the reports of the corpus meet a session in use.
  for (let i = 0; i < 3; i++) await advisor.propose(sessions.feedback);
  await advisor.feedback(sessions.feedback, { trial_no: 1, score: 0.5, final: true });

  const transport = http1(server.url);
  const cases = [...advisorOperations(sessions).flatMap(casesOf), ...advisorCases(sessions.feedback)];
  const results = await sendAll(cases, transport, { as: 'anyone' });
  // Each session the corpus made (odd seeds, a thousand knobs, long histories) is asked for a proposal: that is where its knobs and history are used.
  const made = results.flatMap(({ case: c, answer }) => (c.operation === 'POST /advisors' && 'status' in answer && answer.status === 200 ? [{ what: c.what, id: (JSON.parse(answer.text) as { id: string }).id }] : []));
  const proposals = made.map(({ what, id }): Case => ({
    operation: 'POST /advisors/{id}/propose', what: `a proposal of the session made with ${what}`, method: 'POST', url: `/advisors/${id}/propose`, headers: {}, names: ['id'],
  }));
  results.push(...await sendAll(proposals, transport, { as: 'anyone' }));
  console.log(summary(results));
  expect(problems(results)).toEqual([]);

  const { id } = await advisor.createSession({ knob_config: KNOB_CONFIG as never, seed: 2 });
  expect((await advisor.propose(id))?.trial_no).toBe(1);
});
