import { expect, test } from 'bun:test';
import { nestsDeeperThan } from './json-depth.ts';

test('counts arrays and objects, not brackets inside strings or after escapes', () => {
  expect(nestsDeeperThan('[[[1]]]', 3)).toBe(false);
  expect(nestsDeeperThan('[[[1]]]', 2)).toBe(true);
  expect(nestsDeeperThan('{"a": {"b": [1, {"c": 2}]}}', 3)).toBe(true);
  expect(nestsDeeperThan('{"a": "[[[[[[", "b": "\\\\"}', 1)).toBe(false);
  expect(nestsDeeperThan('{"a": "\\"[[[[", "b": 1}', 1)).toBe(false);
  expect(nestsDeeperThan('[1, 2] [[3]]', 1)).toBe(true);
});

test('a body of 100,000 nested arrays is too deep; as deep as allowed is not', () => {
  expect(nestsDeeperThan('['.repeat(100_000) + ']'.repeat(100_000))).toBe(true);
  expect(nestsDeeperThan('['.repeat(64) + ']'.repeat(64))).toBe(false);
  expect(nestsDeeperThan('['.repeat(65) + ']'.repeat(65))).toBe(true);
});
