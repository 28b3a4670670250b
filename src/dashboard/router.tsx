/**
 * Pages by URL fragment (`#/train-jobs/iris/1`): every page has an address that
 * can be bookmarked and shared, and the back button walks them, with no route
 * on the Admin besides `/` (the API keeps all its paths).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export interface Location { path: string; query: URLSearchParams }

function current(): Location {
  const [path, query] = (location.hash.slice(1) || '/').split('?');
  return { path: path || '/', query: new URLSearchParams(query) };
}

export function useLocation(): Location {
  const [where, setWhere] = useState(current);
  useEffect(() => {
    const changed = () => setWhere(current());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return where;
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', `#${path}`);
  else location.hash = path;
  if (options.replace) dispatchEvent(new HashChangeEvent('hashchange'));
}

/** `#/datasets/…` for a path `/datasets/…`, each segment escaped. */
export function href(...segments: (string | number)[]): string {
  return `#/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}

/** Matches `path` against a pattern like `/train-jobs/:app/:version`; answers the decoded parameters. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i]!.startsWith(':')) params[want[i]!.slice(1)] = decodeURIComponent(got[i]!);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

export function Link({ to, children, ...rest }: { to: string; children: ComponentChildren; class?: string; 'aria-current'?: 'page' | undefined }) {
  return <a href={to} {...rest}>{children}</a>;
}
