/**
 * The signed-in user of this tab: the token is kept in sessionStorage, so it
 * lives as long as the tab and is not shared with other tabs.
 */
import type { UserType } from '../common/domain.ts';

export interface Session { token: string; email: string; userId: string; userType: UserType; expiresAt: number }

const KEY = 'rafiki.session';

export function loadSession(): Session | null {
  const saved = sessionStorage.getItem(KEY);
  if (!saved) return null;
  const session = JSON.parse(saved) as Session;
  return session.expiresAt > Date.now() ? session : null;
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

/** When the token ends, read from its `exp` claim (the Admin checks it; this only says when to sign in again). */
export function tokenExpiry(token: string): number {
  const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp: number };
  return payload.exp * 1000;
}
