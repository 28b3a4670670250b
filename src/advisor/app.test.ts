import { describe, expect, test } from 'bun:test';
import { createAdvisorApp } from './app.ts';

const KNOB_CONFIG = {
  lr: { type: 'float', min: 1e-4, max: 1, log: true },
  units: { type: 'integer', min: 8, max: 64, log: false },
  act: { type: 'categorical', values: ['relu', 'tanh'] },
};

function client() {
  const app = createAdvisorApp();
  const call = async (method: string, path: string, body?: unknown) => {
    const raw = typeof body === 'string';
    const response = await app.handle(new Request(`http://localhost${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
    }));
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const create = async (extra: object = {}) => (await call('POST', '/advisors', { knob_config: KNOB_CONFIG, seed: 1, ...extra })).body.id as string;
  return { call, create };
}

describe('the Advisor over HTTP', () => {
  test('create, propose, feedback, delete', async () => {
    const { call, create } = client();
    expect((await call('GET', '/health')).status).toBe(200);
    const id = await create({ stopping: { type: 'asha', max_resource: 27 } });
    const proposal = await call('POST', `/advisors/${id}/propose`);
    expect(proposal.status).toBe(200);
    expect(proposal.body).toMatchObject({ trial_no: 1, budget: 27 });
    expect(Object.keys(proposal.body.knobs).sort()).toEqual(['act', 'lr', 'units']);
    expect((await call('POST', `/advisors/${id}/feedback`, { trial_no: 1, score: 0.4, step: 1, final: false })).body).toEqual({ decision: 'continue' });
    expect((await call('POST', `/advisors/${id}/feedback`, { trial_no: 1, score: 0.6, final: true })).body).toEqual({ decision: 'continue' });
    expect((await call('DELETE', `/advisors/${id}`)).status).toBe(200);
    expect((await call('POST', `/advisors/${id}/propose`)).status).toBe(404);
  });

  test('propose answers 204 when the session is done', async () => {
    const { call, create } = client();
    const id = await create({ max_trials: 1 });
    expect((await call('POST', `/advisors/${id}/propose`)).status).toBe(200);
    const done = await call('POST', `/advisors/${id}/propose`);
    expect(done.status).toBe(204);
    expect(done.body).toBeNull();
  });

  test('concurrent proposals get distinct trials and knobs', async () => {
    const { call, create } = client();
    const id = await create({ strategy: 'tpe' });
    const answers = await Promise.all(Array.from({ length: 10 }, () => call('POST', `/advisors/${id}/propose`)));
    expect(new Set(answers.map((a) => a.body.trial_no)).size).toBe(10);
    expect(new Set(answers.map((a) => JSON.stringify(a.body.knobs))).size).toBe(10);
  });

  test('a NaN score written by Python (a bare NaN token) or as null is a failed trial', async () => {
    const { call, create } = client();
    const id = await create();
    await call('POST', `/advisors/${id}/propose`);
    await call('POST', `/advisors/${id}/propose`);
    expect((await call('POST', `/advisors/${id}/feedback`, '{"trial_no": 1, "score": NaN, "final": true}')).status).toBe(200);
    expect((await call('POST', `/advisors/${id}/feedback`, { trial_no: 2, score: null, final: true })).status).toBe(200);
  });

  const bad: [string, (id: string) => [string, string, unknown], number, RegExp][] = [
    ['an invalid knob config', () => ['POST', '/advisors', { knob_config: { lr: { type: 'float', min: 0, max: 1, log: true } } }], 400, /knob "lr": a log-scale knob needs min > 0/],
    ['a knob config that is not an object', () => ['POST', '/advisors', { knob_config: 3 }], 400, /knob_config/],
    ['an unknown strategy', () => ['POST', '/advisors', { knob_config: KNOB_CONFIG, strategy: 'bayes' }], 400, /strategy/],
    ['an unknown field', () => ['POST', '/advisors', { knob_config: KNOB_CONFIG, colour: 'red' }], 400, /'colour' is not an accepted field/],
    ['an unknown session', () => ['POST', '/advisors/no-such-id/propose', undefined], 404, /advisor session no-such-id does not exist/],
    ['feedback for an unknown session', () => ['POST', '/advisors/no-such-id/feedback', { trial_no: 1, score: 1, final: true }], 404, /does not exist/],
    ['feedback for a trial never proposed', (id) => ['POST', `/advisors/${id}/feedback`, { trial_no: 99, score: 1, final: true }], 404, /trial 99 was never proposed/],
    ['a score that is not a number', (id) => ['POST', `/advisors/${id}/feedback`, { trial_no: 1, score: 'high', final: true }], 400, /'score' must be a number/],
    ['a missing trial number', (id) => ['POST', `/advisors/${id}/feedback`, { score: 1, final: true }], 400, /'trial_no' is required/],
    ['a malformed body', (id) => ['POST', `/advisors/${id}/feedback`, '{"trial_no": 1, "score":'], 400, /not valid JSON/],
    ['a body that is not an object', (id) => ['POST', `/advisors/${id}/feedback`, '[1, 2]'], 400, /JSON object/],
    ['a second final score', (id) => ['POST', `/advisors/${id}/feedback`, { trial_no: 1, score: 1, final: true }], 409, /already has its final score/],
  ];
  for (const [what, request, status, message] of bad) {
    test(`${what}: ${status} with a message, and the session stays usable`, async () => {
      const { call, create } = client();
      const id = await create();
      await call('POST', `/advisors/${id}/propose`);
      if (status === 409) await call('POST', `/advisors/${id}/feedback`, { trial_no: 1, score: 0.5, final: true });
      const [method, path, body] = request(id);
      const answer = await call(method, path, body);
      expect(answer.status).toBe(status);
      expect(answer.body.error.message).toMatch(message);
      expect(answer.body.error.code).toBeString();
      const next = await call('POST', `/advisors/${id}/propose`);
      expect(next.body.trial_no).toBe(2);
    });
  }
});
