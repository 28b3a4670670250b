import { expect, test } from 'bun:test';
import { RafikiError } from '../../common/errors.ts';
import { LoginThrottle } from './login-throttle.ts';

function refusal(run: () => void): RafikiError | null {
  try {
    run();
    return null;
  } catch (error) {
    return error as RafikiError;
  }
}

test('an account is refused after its limit of failures, others are not; a success clears it', () => {
  const throttle = new LoginThrottle({ perAccount: 3, perAddress: 100, windowMs: 60_000 });
  for (let i = 0; i < 3; i++) {
    expect(refusal(() => throttle.check('a@x', '10.0.0.1'))).toBeNull();
    throttle.failed('A@x', '10.0.0.1');
  }
  const refused = refusal(() => throttle.check('a@x', '10.0.0.2'));
  expect([refused?.status, refused?.message]).toEqual([429, 'too many failed logins; try again in 60 s']);
  expect(refused!.retryAfterSeconds).toBeGreaterThan(59);
  expect(refusal(() => throttle.check('b@x', '10.0.0.1'))).toBeNull();
  throttle.succeeded('a@x');
  expect(refusal(() => throttle.check('a@x', '10.0.0.1'))).toBeNull();
});

test('an address is refused after its limit of failures over any accounts, until the window has passed', async () => {
  const throttle = new LoginThrottle({ perAccount: 100, perAddress: 4, windowMs: 200 });
  for (let i = 0; i < 4; i++) throttle.failed(`user${i}@x`, '10.0.0.9');
  expect(refusal(() => throttle.check('new@x', '10.0.0.9'))?.status).toBe(429);
  expect(refusal(() => throttle.check('new@x', '10.0.0.8'))).toBeNull();
  await Bun.sleep(250);
  expect(refusal(() => throttle.check('new@x', '10.0.0.9'))).toBeNull();
});
