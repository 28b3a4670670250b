/**
 * The dashboard: sign-in, then the pages the user's role may use, each at its
 * own address (router.tsx). A token that the Admin stops accepting (it expired,
 * or its user was banned) sends the tab back to sign-in with the reason.
 */
import type { ComponentType } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { ADMIN_TYPES, DEVELOPER_TYPES, type UserType } from '../common/domain.ts';
import { adminApi, RafikiClientError } from './api.ts';
import { SessionContextValue, type SessionContext } from './app-session.ts';
import { match, navigate, useLocation } from './router.tsx';
import { loadSession, saveSession, type Session } from './session.ts';
import { Dataset } from './pages/dataset.tsx';
import { Datasets } from './pages/datasets.tsx';
import { Model } from './pages/model.tsx';
import { Models } from './pages/models.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { Users } from './pages/users.tsx';
import { InferenceJobs } from './pages/inference-jobs.tsx';
import { InferenceJob } from './pages/inference-job.tsx';
import { Predictor } from './pages/predictor.tsx';
import { Predictors } from './pages/predictors.tsx';
import { TrainJobs } from './pages/train-jobs.tsx';
import { NewTrainJob } from './pages/new-train-job.tsx';
import { TrainJob } from './pages/train-job.tsx';
import { Trial } from './pages/trial.tsx';

/** Who is shown every running job to query: app users, and admins who look after them (developers query their own from their inference jobs). */
const QUERYING_TYPES: readonly UserType[] = ['APP_USER', ...ADMIN_TYPES];

interface Page {
  pattern: string;
  roles: readonly UserType[];
  component: ComponentType<Record<string, string>>;
  /** In the navigation, under this label. */
  nav?: string;
}

export const PAGES: Page[] = [
  { pattern: '/users', roles: ADMIN_TYPES, component: Users, nav: 'Users' },
  { pattern: '/models', roles: DEVELOPER_TYPES, component: Models, nav: 'Model templates' },
  { pattern: '/models/:id', roles: DEVELOPER_TYPES, component: Model },
  { pattern: '/datasets', roles: DEVELOPER_TYPES, component: Datasets, nav: 'Datasets' },
  { pattern: '/datasets/:id', roles: DEVELOPER_TYPES, component: Dataset },
  { pattern: '/train-jobs', roles: DEVELOPER_TYPES, component: TrainJobs, nav: 'Train jobs' },
  { pattern: '/train-jobs/new', roles: DEVELOPER_TYPES, component: NewTrainJob },
  { pattern: '/train-jobs/:app/:version', roles: DEVELOPER_TYPES, component: TrainJob as Page['component'] },
  { pattern: '/trials/:id', roles: DEVELOPER_TYPES, component: Trial as Page['component'] },
  { pattern: '/inference-jobs', roles: DEVELOPER_TYPES, component: InferenceJobs, nav: 'Inference jobs' },
  { pattern: '/inference-jobs/:app/:version', roles: DEVELOPER_TYPES, component: InferenceJob },
  { pattern: '/predictors', roles: QUERYING_TYPES, component: Predictors, nav: 'Deployed models' },
  { pattern: '/predictors/:id', roles: QUERYING_TYPES, component: Predictor },
];

/** Where each role starts: its main work. */
const HOME: Record<UserType, string> = {
  SUPERADMIN: '/users', ADMIN: '/users', MODEL_DEVELOPER: '/models', APP_DEVELOPER: '/train-jobs', APP_USER: '/predictors',
};
const homeOf = (userType: UserType) => HOME[userType];

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [reason, setReason] = useState<string | null>(null);
  const where = useLocation();

  const signOut = useCallback((why?: string) => {
    saveSession(null);
    setSession(null);
    setReason(why ?? null);
    // Back to the page that was open, once signed in again.
    const open = location.hash.slice(1).split('?')[0];
    navigate(open && open !== '/' && open !== '/sign-in' ? `/sign-in?next=${encodeURIComponent(open)}` : '/sign-in', { replace: true });
  }, []);

  // A session that runs out while the tab is open ends at that moment, not at the next request.
  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(() => signOut('Your session expired; sign in again.'), session.expiresAt - Date.now());
    return () => clearTimeout(timer);
  }, [session, signOut]);

  const context = useMemo<SessionContext | null>(() => session && {
    session,
    api: adminApi(session.token),
    signOut,
    expired(error) {
      if (!(error instanceof RafikiClientError) || error.status !== 401) return false;
      signOut(`You were signed out: ${error.message}.`);
      return true;
    },
  }, [session, signOut]);

  if (!session || !context) {
    return <SignIn reason={reason} onSignedIn={(s) => {
      saveSession(s);
      setSession(s);
      setReason(null);
      // A deep link opened while signed out is where the sign-in leads.
      const back = where.query.get('next') ?? (where.path !== '/' && where.path !== '/sign-in' ? where.path : null);
      navigate(back && back !== '/sign-in' ? back : homeOf(s.userType), { replace: true });
    }} />;
  }

  const found = PAGES.map((page) => ({ page, params: match(page.pattern, where.path) })).find((m) => m.params);
  if (!found && (where.path === '/' || where.path === '/sign-in') && homeOf(session.userType) !== where.path) navigate(homeOf(session.userType), { replace: true });
  const allowed = found && found.page.roles.includes(session.userType);

  return (
    <SessionContextValue.Provider value={context}>
      <a class="skip" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}>Skip to content</a>
      <header class="top">
        <span class="brand">Rafiki</span>
        <nav aria-label="Main">
          <ul>
            {PAGES.filter((p) => p.nav && p.roles.includes(session.userType)).map((p) => (
              <li key={p.pattern}>
                <a href={`#${p.pattern}`} aria-current={where.path.startsWith(p.pattern) ? 'page' : undefined}>{p.nav}</a>
              </li>
            ))}
          </ul>
        </nav>
        <a href="/openapi">API reference</a>
        <span class="who">{session.email} <small>({session.userType})</small></span>
        <button type="button" class="link" onClick={() => signOut('You signed out.')}>Sign out</button>
      </header>
      <main id="main" tabIndex={-1}>
        {found && allowed ? <found.page.component {...found.params!} />
          : found ? <p class="error" role="alert">This page is for {found.page.roles.join(', ')}; you are {session.userType}.</p>
          : <p>There is no page at {where.path}. <a href={`#${homeOf(session.userType)}`}>Go home</a>.</p>}
      </main>
    </SessionContextValue.Provider>
  );
}
