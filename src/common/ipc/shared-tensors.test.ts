import { expect, test } from 'bun:test';
import { existsSync } from 'node:fs';
import { SharedTensors } from './shared-tensors.ts';

test('what one mapping writes into a slot, another mapping of the file reads, also after the file is removed', () => {
  const writer = SharedTensors.create(2, 6);
  const reader = SharedTensors.attach(writer.spec);
  writer.unlink();
  expect(existsSync(writer.spec.path)).toBe(false);
  writer.slot(1, 3).set([1.5, -2, 3]);
  writer.slot(0, 6).fill(7);
  expect([...reader.slot(1, 3)]).toEqual([1.5, -2, 3]);
  expect([...reader.slot(0, 6)]).toEqual([7, 7, 7, 7, 7, 7]);
});

test('a slot that does not exist, or more values than a slot holds, is a RangeError', () => {
  const shared = SharedTensors.create(2, 4);
  shared.unlink();
  expect(() => shared.slot(2, 1)).toThrow(RangeError);
  expect(() => shared.slot(-1, 1)).toThrow(RangeError);
  expect(() => shared.slot(0, 5)).toThrow('at most 4');
});
