import { expect, test } from 'bun:test';
import { aimdPolicy, fixedPolicy } from './batch-policy.ts';

test('fixed always answers the maximum', () => {
  const policy = fixedPolicy({ maxBatchSize: 32 });
  policy.observe(32, 10_000);
  expect(policy.size()).toBe(32);
});

test('AIMD grows additively under the target, up to the maximum', () => {
  const policy = aimdPolicy({ maxBatchSize: 20, targetMs: 10, start: 8, step: 4 });
  const sizes = [];
  for (let i = 0; i < 5; i++) {
    sizes.push(policy.size());
    policy.observe(policy.size(), 1);
  }
  expect(sizes).toEqual([8, 12, 16, 20, 20]);
});

test('AIMD backs off multiplicatively over the target and never below 1', () => {
  const policy = aimdPolicy({ maxBatchSize: 64, targetMs: 10, start: 40, backoff: 0.5 });
  policy.observe(40, 11);
  expect(policy.size()).toBe(20);
  for (let i = 0; i < 10; i++) policy.observe(policy.size(), 50);
  expect(policy.size()).toBe(1);
});

test('AIMD does not grow on batches smaller than the current size', () => {
  const policy = aimdPolicy({ maxBatchSize: 64, targetMs: 10, start: 16 });
  policy.observe(3, 1);
  expect(policy.size()).toBe(16);
});

test('bad settings are refused with the value', () => {
  expect(() => aimdPolicy({ maxBatchSize: 0, targetMs: 1 })).toThrow('got 0');
  expect(() => aimdPolicy({ maxBatchSize: 8, targetMs: 1, backoff: 1.5 })).toThrow('got 1.5');
});
