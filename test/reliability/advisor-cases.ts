/**
 * The Advisor's bad-input corpus: its routes listed by hand from its schemas
 * (it serves no OpenAPI document) for the generator, and hand-made knob
 * configs, histories and feedback that the schemas leave to the session's own
 * checks.
 */
import { CreateSessionSchema, FeedbackSchema } from '../../src/advisor/schema.ts';
import type { Case } from './corpus.ts';
import { plainSchema, type Operation } from './operations.ts';
import { nested, ODD_NUMBERS, ODD_STRINGS } from './values.ts';

export const KNOB_CONFIG = {
  lr: { type: 'float', min: 1e-4, max: 1, log: true },
  units: { type: 'integer', min: 8, max: 64 },
  act: { type: 'categorical', values: ['relu', 'tanh'] },
};

/** The Advisor's routes; `{id}` is the session each route is sent to (one per route, since DELETE ends its own). */
export function advisorOperations(sessions: { propose: string; feedback: string; remove: string }): Operation[] {
  // A history's knobs must fit the knob config, which the schema leaves to the session: an example that does.
  const createSession = plainSchema(CreateSessionSchema);
  createSession.properties.history.items.properties.knobs.examples = [{ lr: 0.01, units: 8, act: 'relu' }];
  const id = (session: string) => [{ name: 'id', in: 'path' as const, required: true, schema: { type: 'string', examples: [session] } }];
  return [
    { method: 'GET', path: '/health', params: [] },
    { method: 'POST', path: '/advisors', params: [], body: { encoding: 'json', schema: createSession, examples: { knob_config: KNOB_CONFIG } } },
    { method: 'POST', path: '/advisors/{id}/propose', params: id(sessions.propose) },
    { method: 'POST', path: '/advisors/{id}/feedback', params: id(sessions.feedback), body: { encoding: 'json', schema: plainSchema(FeedbackSchema) } },
    { method: 'DELETE', path: '/advisors/{id}', params: id(sessions.remove) },
  ];
}

/** Hand-made sessions and reports: odd knobs, knob names and values, long histories, reports out of turn. */
export function advisorCases(feedbackSession: string): Case[] {
  const cases: Case[] = [];
  const post = (operation: string, url: string, what: string, body: unknown, names: string[]) => {
    cases.push({ operation, what, method: 'POST', url, headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), names });
  };
  const session = (what: string, body: Record<string, unknown>, names: string[]) => post('POST /advisors', '/advisors', what, { knob_config: KNOB_CONFIG, ...body }, names);
  const knob = (what: string, definition: unknown, name = 'k') => session(`knob_config: ${what}`, { knob_config: { [name]: definition } }, [name, 'knob_config']);

  knob('no type', { min: 0, max: 1 });
  knob('an unknown type', { type: 'complex', min: 0, max: 1 });
  knob('min above max', { type: 'float', min: 1, max: 0 });
  knob('min equal to max', { type: 'integer', min: 3, max: 3 });
  knob('fractional integer bounds', { type: 'integer', min: 0.5, max: 7.5 });
  knob('a log range through zero', { type: 'float', min: 0, max: 1, log: true });
  knob('a log range below zero', { type: 'float', min: -2, max: -1, log: true });
  knob('bounds as strings', { type: 'float', min: '0', max: '1' });
  knob('bounds of the largest doubles', { type: 'float', min: -Number.MAX_VALUE, max: Number.MAX_VALUE });
  knob('a subnormal range', { type: 'float', min: 0, max: 5e-324 });
  knob('integer bounds past 2^53', { type: 'integer', min: 0, max: 2 ** 60 });
  knob('no categorical values', { type: 'categorical', values: [] });
  knob('categorical values of two types', { type: 'categorical', values: [1, 'a'] });
  knob('repeated categorical values', { type: 'categorical', values: ['a', 'a'] });
  knob('categorical values that are objects', { type: 'categorical', values: [{}, []] });
  knob('ten thousand categorical values', { type: 'categorical', values: Array.from({ length: 10_000 }, (_, i) => `v${i}`) });
  knob('a fixed value that is an object', { type: 'fixed', value: { a: 1 } });
  knob('a fixed value of 1 MiB', { type: 'fixed', value: 'x'.repeat(1 << 20) });
  knob('an unknown field', { type: 'float', min: 0, max: 1, corpus: 1 });
  knob('nested 60 deep', nested(60));
  for (const [what, name] of Object.entries({ ...ODD_STRINGS, 'a dot': 'a.b', 'a slash': 'a/b', 'proto': '__proto__' })) {
    knob(`a knob named with ${what}`, { type: 'float', min: 0, max: 1 }, name);
  }
  session('knob_config: a thousand knobs', { knob_config: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, { type: 'float', min: 0, max: 1 }])) }, ['knob_config']);
  session('knob_config: empty', { knob_config: {} }, ['knob_config']);

  const trial = (i: number, extra: Record<string, unknown> = {}) => ({ knobs: { lr: 0.01 + (i % 89) / 100, units: 8 + (i % 57), act: i % 2 ? 'relu' : 'tanh' }, score: Math.sin(i), trial_no: i + 1, ...extra });
  const history = (what: string, items: unknown[], names = ['history']) => session(`history: ${what}`, { history: items }, names);
  history('knobs outside their ranges', [trial(0, { knobs: { lr: 5, units: 8, act: 'relu' } })]);
  history('a knob missing', [trial(0, { knobs: { lr: 0.1, units: 8 } })]);
  history('an unknown knob', [trial(0, { knobs: { ...trial(0).knobs, corpus: 1 } })]);
  history('a categorical value not listed', [trial(0, { knobs: { ...trial(0).knobs, act: 'sigmoid' } })]);
  history('a trial number twice', [trial(0), trial(0)]);
  history('trial numbers past 2^53', [trial(0, { trial_no: 2 ** 60 })]);
  for (const [what, score] of Object.entries(ODD_NUMBERS)) history(`a score of ${what}`, [trial(0, { score })], ['history', 'score']);
  history('two thousand trials', Array.from({ length: 2000 }, (_, i) => trial(i)));
  history('twenty thousand trials', Array.from({ length: 20_000 }, (_, i) => trial(i)));
  for (const [what, seed] of Object.entries(ODD_NUMBERS)) session(`seed: ${what}`, { seed }, ['seed']);
  for (const [what, stopping] of Object.entries({
    'an unknown type': { type: 'hyperband' }, 'asha with a reduction factor of 1': { type: 'asha', reduction_factor: 1 },
    'asha with min above max': { type: 'asha', min_resource: 10, max_resource: 1 }, 'asha with the largest double': { type: 'asha', max_resource: Number.MAX_VALUE },
    'median with startup 0': { type: 'median', startup_trials: 0 }, 'none with extra fields': { type: 'none', reduction_factor: 3 },
  })) session(`stopping: ${what}`, { stopping }, ['stopping', 'reduction_factor', 'min_resource', 'max_resource', 'startup_trials', 'type']);

  const feedback = `/advisors/${feedbackSession}/feedback`;
  const report = (what: string, body: unknown, names: string[]) => post('POST /advisors/{id}/feedback', feedback, what, body, names);
  report('a trial never proposed', { trial_no: 999, score: 0.5 }, ['trial_no']);
  report('a trial number past int32', { trial_no: 2 ** 31, score: 0.5 }, ['trial_no']);
  report('a step of the largest double', { trial_no: 2, score: 0.5, step: Number.MAX_VALUE }, ['step']);
  report('NaN written by Python', '{"trial_no": 3, "score": NaN}', ['score']);
  report('a final score twice', { trial_no: 1, score: 0.5, final: true }, ['trial_no']);
  return cases;
}
