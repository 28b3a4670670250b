/**
 * Failed logins counted per account and per client address over a window: past
 * a limit, logins there are answered 429 with Retry-After until the window has
 * passed, whether the password is right or not, so that guessing costs time.
 * A success clears its account's count. Memory is bounded: the oldest keys go first.
 */
import { RafikiError } from '../../common/errors.ts';

export interface ThrottleLimits {
  /** Failures of one account within `windowMs`. */
  perAccount: number;
  /** Failures from one address within `windowMs`, whatever the account. */
  perAddress: number;
  windowMs: number;
}

export const LOGIN_LIMITS: ThrottleLimits = { perAccount: 10, perAddress: 100, windowMs: 15 * 60_000 };
const MAX_KEYS = 50_000;

export class LoginThrottle {
  /** Key → times of its failures in the window, oldest first. */
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limits: ThrottleLimits = LOGIN_LIMITS) {}

  /** Throws 429 when the account or the address has failed too often lately. */
  check(email: string, address: string | undefined): void {
    const now = Date.now();
    for (const [key, limit] of this.keys(email, address)) {
      const times = this.recent(key, now);
      if (times.length >= limit) {
        const wait = (times[0]! + this.limits.windowMs - now) / 1000;
        throw new RafikiError('TOO_MANY_REQUESTS', `too many failed logins; try again in ${Math.ceil(wait)} s`, wait);
      }
    }
  }

  failed(email: string, address: string | undefined): void {
    const now = Date.now();
    for (const [key] of this.keys(email, address)) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(email: string): void {
    this.failures.delete(`account:${email.toLowerCase()}`);
  }

  private keys(email: string, address: string | undefined): [string, number][] {
    const keys: [string, number][] = [[`account:${email.toLowerCase()}`, this.limits.perAccount]];
    if (address) keys.push([`address:${address}`, this.limits.perAddress]);
    return keys;
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.limits.windowMs);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }
}
