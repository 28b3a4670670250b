/** The signed-in session as every page sees it, through a context. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { AdminApi } from '../client/admin-api.ts';
import type { Session } from './session.ts';

export interface SessionContext {
  session: Session;
  api: AdminApi;
  /** Signs out, back to the sign-in page with `reason` shown there. */
  signOut(reason?: string): void;
  /** True (and signed out) when `error` says the token is no longer accepted: expired, or its user banned. */
  expired(error: unknown): boolean;
}

export const SessionContextValue = createContext<SessionContext | null>(null);

export function useSession(): SessionContext {
  const context = useContext(SessionContextValue);
  if (!context) throw new Error('useSession outside a signed-in page');
  return context;
}
