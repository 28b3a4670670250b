import { afterAll, expect, expectTypeOf, test } from 'bun:test';
import { RafikiError } from '../common/errors.ts';
import { httpAdvisor, type Advisor, type CreateSessionRequest, type Feedback, type Proposal } from './client.ts';
import type { StrategyName } from './strategies/index.ts';
import { startAdvisorServer } from './server.ts';

const server = startAdvisorServer({ port: 0 });
afterAll(() => server.stop());

test('httpAdvisor drives a real server and turns its errors into RafikiErrors', async () => {
  const advisor = httpAdvisor(`${server.url}/`);
  const { id } = await advisor.createSession({ knob_config: { units: { type: 'integer', min: 1, max: 2, log: false } }, seed: 5 });
  const [a, b] = [await advisor.propose(id), await advisor.propose(id)];
  expect(a!.knobs.units).not.toBe(b!.knobs.units);
  expect(await advisor.propose(id)).toBeNull(); // both configurations are taken: 204
  expect(await advisor.feedback(id, { trial_no: a!.trial_no, score: NaN, final: true })).toEqual({ decision: 'continue' });
  const error = await advisor.feedback(id, { trial_no: 42, score: 1, final: true }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RafikiError);
  expect((error as RafikiError).code).toBe('NOT_FOUND');
  await advisor.deleteSession(id);
  await expect(advisor.propose(id)).rejects.toThrow(/does not exist/);
});

test('the client types are the route schemas\' types', () => {
  expectTypeOf<Proposal>().toEqualTypeOf<{ trial_no: number; knobs: Record<string, string | number | boolean>; budget?: number }>();
  expectTypeOf<Feedback>().toEqualTypeOf<{ trial_no: number; score: number | null; step?: number; final?: boolean }>();
  expectTypeOf<Advisor['propose']>().returns.resolves.toEqualTypeOf<Proposal | null>();
  // The names the API accepts are exactly the strategies there are.
  expectTypeOf<NonNullable<CreateSessionRequest['strategy']>>().toEqualTypeOf<StrategyName>();
});
