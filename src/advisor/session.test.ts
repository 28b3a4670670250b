import { describe, expect, test } from 'bun:test';
import { RafikiError } from '../common/errors.ts';
import { knobs, type KnobConfig } from '../model/knobs.ts';
import { localAdvisor } from './client.ts';
import { SessionStore } from './sessions.ts';

const config: KnobConfig = { lr: knobs.float(1e-4, 1, { log: true }), act: knobs.categorical(['relu', 'tanh']) };

function rejects(call: () => unknown, status: number, message: RegExp): void {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(RafikiError);
    expect((error as RafikiError).status).toBe(status);
    expect((error as RafikiError).message).toMatch(message);
    return;
  }
  throw new Error('expected a RafikiError');
}

describe('SessionStore', () => {
  test('proposes numbered trials and takes their scores', () => {
    const sessions = new SessionStore();
    const { id } = sessions.create({ knob_config: config, seed: 1 });
    const first = sessions.propose(id)!;
    expect(first.trial_no).toBe(1);
    expect(sessions.feedback(id, { trial_no: 1, score: 0.5, final: true })).toEqual({ decision: 'continue' });
    expect(sessions.propose(id)!.trial_no).toBe(2);
  });

  test('parallel proposals are distinct, also through concurrent async calls', async () => {
    const sessions = new SessionStore();
    const advisor = localAdvisor(sessions);
    for (const strategy of ['random', 'gp', 'tpe'] as const) {
      const { id } = await advisor.createSession({ knob_config: config, strategy, seed: 3 });
      for (let i = 0; i < 12; i++) {
        const trial = (await advisor.propose(id))!;
        await advisor.feedback(id, { trial_no: trial.trial_no, score: Math.log10(trial.knobs.lr as number), final: true });
      }
      const proposals = await Promise.all(Array.from({ length: 8 }, () => advisor.propose(id)));
      expect(new Set(proposals.map((p) => p!.trial_no)).size).toBe(8);
      expect(new Set(proposals.map((p) => JSON.stringify(p!.knobs))).size).toBe(8);
    }
  });

  test('a small finite space never hands out the same pending knobs: done when all are taken', () => {
    const sessions = new SessionStore();
    const { id } = sessions.create({ knob_config: { act: knobs.categorical(['relu', 'tanh']), epochs: knobs.fixed(3) }, seed: 1 });
    const a = sessions.propose(id)!;
    const b = sessions.propose(id)!;
    expect(a.knobs.act).not.toBe(b.knobs.act);
    expect(sessions.propose(id)).toBeNull();
  });

  test('only fixed knobs: one trial, then done', () => {
    const sessions = new SessionStore();
    const { id } = sessions.create({ knob_config: { epochs: knobs.fixed(3) } });
    expect(sessions.propose(id)).toMatchObject({ trial_no: 1, knobs: { epochs: 3 } });
    expect(sessions.propose(id)).toBeNull();
  });

  test('max_trials counts the history too', () => {
    const sessions = new SessionStore();
    const history = [{ knobs: { lr: 0.01, act: 'relu' }, score: 0.7 }];
    const { id } = sessions.create({ knob_config: config, history, max_trials: 3 });
    expect(sessions.propose(id)!.trial_no).toBe(2);
    expect(sessions.propose(id)!.trial_no).toBe(3);
    expect(sessions.propose(id)).toBeNull();
  });

  test('the same seed gives the same proposals; history warm-starts a session', () => {
    const history = Array.from({ length: 12 }, (_, i) => ({ knobs: { lr: 10 ** (-i / 3), act: i % 2 ? 'relu' : 'tanh' }, score: -Math.abs(i - 6), trial_no: i + 5 }));
    const proposals = () => {
      const sessions = new SessionStore();
      const { id } = sessions.create({ knob_config: config, strategy: 'gp', seed: 9, history });
      return [sessions.propose(id), sessions.propose(id)];
    };
    const first = proposals();
    expect(first[0]!.trial_no).toBe(17);
    expect(proposals()).toEqual(first);
  });

  test('failed trials (NaN, ±Infinity, null) are taken, and a NaN report stops the trial', () => {
    const sessions = new SessionStore();
    const { id } = sessions.create({ knob_config: config, strategy: 'gp', seed: 2, stopping: { type: 'none' } });
    for (let i = 0; i < 14; i++) {
      const trial = sessions.propose(id)!;
      const failures = [NaN, Infinity, -Infinity, null];
      const score = i % 5 < failures.length ? failures[i % 5]! : 0.1 * i;
      sessions.feedback(id, { trial_no: trial.trial_no, score, final: true });
    }
    const trial = sessions.propose(id)!;
    expect(Number.isFinite(trial.knobs.lr)).toBe(true);
    expect(sessions.feedback(id, { trial_no: trial.trial_no, score: 0.3, step: 1 })).toEqual({ decision: 'continue' });
    expect(sessions.feedback(id, { trial_no: trial.trial_no, score: NaN, step: 2 })).toEqual({ decision: 'stop' });
    expect(sessions.feedback(id, { trial_no: trial.trial_no, score: 0.9, step: 3 })).toEqual({ decision: 'stop' });
  });

  test('ASHA decides on intermediate reports and sends its budget; a trial that never reports is never stopped', () => {
    const sessions = new SessionStore();
    const { id } = sessions.create({ knob_config: config, seed: 4, stopping: { type: 'asha', min_resource: 1, max_resource: 9 } });
    const [a, b, c] = [sessions.propose(id)!, sessions.propose(id)!, sessions.propose(id)!];
    expect(a.budget).toBe(9);
    expect(sessions.feedback(id, { trial_no: a.trial_no, step: 1, score: 0.5 }).decision).toBe('continue');
    expect(sessions.feedback(id, { trial_no: b.trial_no, step: 1, score: 0.2 }).decision).toBe('stop');
    expect(sessions.feedback(id, { trial_no: b.trial_no, score: 0.2, final: true }).decision).toBe('continue');
    expect(sessions.feedback(id, { trial_no: c.trial_no, score: 0.1, final: true }).decision).toBe('continue');
  });

  test('bad input is refused with the right status and a message; the session stays usable', () => {
    const sessions = new SessionStore();
    rejects(() => sessions.create({ knob_config: { lr: { type: 'float', min: 1, max: 0 } } }), 400, /knob_config: knob "lr": min must be less than max/);
    rejects(() => sessions.create({ knob_config: config, history: [{ knobs: { lr: 5, act: 'relu' }, score: 1 }] }), 400, /history\[0\]: knob "lr"/);
    rejects(() => sessions.create({ knob_config: config, history: [{ knobs: { lr: 0.1, act: 'relu' }, score: 1, trial_no: 1 }, { knobs: { lr: 0.2, act: 'relu' }, score: 1, trial_no: 1 }] }), 400, /trial 1 appears twice/);
    rejects(() => sessions.create({ knob_config: config, stopping: { type: 'asha', min_resource: 9, max_resource: 3 } }), 400, /stopping: maxResource must be at least/);
    rejects(() => new SessionStore().propose('nope'), 404, /advisor session nope does not exist/);
    const { id } = sessions.create({ knob_config: config, seed: 1 });
    rejects(() => sessions.feedback(id, { trial_no: 1, score: 1, final: true }), 404, /trial 1 was never proposed/);
    const trial = sessions.propose(id)!;
    sessions.feedback(id, { trial_no: trial.trial_no, score: 1, final: true });
    rejects(() => sessions.feedback(id, { trial_no: trial.trial_no, score: 1, final: true }), 409, /already has its final score/);
    expect(sessions.propose(id)!.trial_no).toBe(2);
    sessions.delete(id);
    rejects(() => sessions.delete(id), 404, /does not exist/);
  });
});
