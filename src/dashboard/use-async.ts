/** Data loaded for a page: what it is, whether it is loading, the error if it failed, and a way to load it again. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { useSession } from './app-session.ts';

export interface Loaded<T> { data: T | undefined; error: unknown; loading: boolean; reload: () => void }

export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const { expired } = useSession();
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => {
        if (!current) return;
        if (expired(error)) return;
        setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}
