import { expect, test } from 'bun:test';
import { cholesky, cholInverse, cholLogDet, cholSolve } from './linalg.ts';

test('cholesky solves an SPD system and inverts it', () => {
  const a = new Float64Array([4, 2, 0.4, 2, 3, 0.5, 0.4, 0.5, 2]);
  const { factor, jitter } = cholesky(a, 3);
  expect(jitter).toBe(0);
  const x = cholSolve(factor, 3, [1, 2, 3]);
  for (let i = 0; i < 3; i++) {
    let row = 0;
    for (let j = 0; j < 3; j++) row += a[i * 3 + j]! * x[j]!;
    expect(row).toBeCloseTo(i + 1, 12);
  }
  const inv = cholInverse(factor, 3);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += a[i * 3 + k]! * inv[k * 3 + j]!;
      expect(sum).toBeCloseTo(i === j ? 1 : 0, 12);
    }
  }
  expect(cholLogDet(factor, 3)).toBeCloseTo(Math.log(4 * (3 * 2 - 0.25) - 2 * (2 * 2 - 0.2) + 0.4 * (1 - 1.2)), 10);
});

test('cholesky adds jitter to a singular matrix (repeated points) instead of failing', () => {
  const ones = new Float64Array(16).fill(1);
  const { factor, jitter } = cholesky(ones, 4);
  expect(jitter).toBeGreaterThan(0);
  expect(factor.every(Number.isFinite)).toBe(true);
});
