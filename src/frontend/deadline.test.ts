import { expect, test } from 'bun:test';
import { PendingAnswers } from './deadline.ts';

test('settles complete once every trial answered every query; repeats are ignored', async () => {
  const pending = new PendingAnswers({ queries: 2, trials: ['a', 'b'], deadlineMs: 60_000 });
  pending.add(0, { id: 'r:0', trialId: 'a', prediction: 1 });
  pending.add(0, { id: 'r:0', trialId: 'a', prediction: 99 });
  pending.add(1, { id: 'r:1', trialId: 'a', prediction: 2 });
  pending.add(0, { id: 'r:0', trialId: 'b', prediction: 3 });
  pending.add(1, { id: 'r:1', trialId: 'b', prediction: 4 });
  const { answers, complete } = await pending.done;
  expect(complete).toBe(true);
  expect(answers.map((m) => [...m.values()].map((a) => a.prediction))).toEqual([[1, 3], [2, 4]]);
});

test('at the deadline, settles with what has arrived', async () => {
  const pending = new PendingAnswers({ queries: 1, trials: ['a', 'b'], deadlineMs: 10 });
  pending.add(0, { id: 'r:0', trialId: 'b', prediction: 5 });
  const { answers, complete } = await pending.done;
  expect(complete).toBe(false);
  expect([...answers[0]!.keys()]).toEqual(['b']);
});
