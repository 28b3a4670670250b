import { expect, test } from 'bun:test';
import { ensemble } from './ensemble.ts';

test('probabilities of trials with the same classes are averaged', () => {
  const e = ensemble('TABULAR_CLASSIFICATION', [{ classes: ['a', 'b'] }, { classes: ['a', 'b'] }]);
  expect(e.classes).toEqual(['a', 'b']);
  const [p0, p1] = e.combine([[0.2, 0.8], [0.6, 0.4]]) as number[];
  expect(p0).toBeCloseTo(0.4);
  expect(p1).toBeCloseTo(0.6);
});

test('classes are aligned by label, a missing class counting 0', () => {
  const e = ensemble('IMAGE_CLASSIFICATION', [{ classes: ['10', '2'] }, { classes: ['2', '3'] }]);
  expect(e.classes).toEqual(['2', '3', '10']);
  const p = e.combine([[0.4, 0.6], [0.5, 0.5]]) as number[];
  [0.55, 0.25, 0.2].forEach((v, i) => expect(p[i]).toBeCloseTo(v));
});

test('only the trials that answered are averaged', () => {
  const e = ensemble('TABULAR_REGRESSION', [{ classes: [] }, { classes: [] }, { classes: [] }]);
  expect(e.combine([1, null, 3])).toBe(2);
  expect(() => e.combine([null, null, null])).toThrow('no trial answered');
});

test('one answer is the answer, whichever trial gave it', () => {
  const e = ensemble('TABULAR_CLASSIFICATION', [{ classes: ['a', 'b'] }, { classes: ['a', 'b'] }]);
  expect(e.combine([null, [0.3, 0.7]])).toEqual([0.3, 0.7]);
  const aligned = ensemble('TABULAR_CLASSIFICATION', [{ classes: ['b', 'a'] }, { classes: ['a', 'b'] }]);
  expect(aligned.combine([[0.3, 0.7], null])).toEqual([0.7, 0.3]);
});

test('a prediction is labelled with its most probable class, the first on a tie; regression has no label', () => {
  const e = ensemble('TABULAR_CLASSIFICATION', [{ classes: ['b', 'a', 'c'] }]);
  expect(e.label([0.2, 0.5, 0.3])).toEqual({ label: 'a', probability: 0.5 });
  expect(e.label([0.4, 0.2, 0.4])).toEqual({ label: 'b', probability: 0.4 });
  expect(ensemble('TABULAR_REGRESSION', [{ classes: [] }]).label(3.5)).toBeNull();
});
