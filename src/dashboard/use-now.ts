/** The time, moving on every `everyMs` while `ticking` (running jobs' durations), still otherwise. */
import { useEffect, useState } from 'preact/hooks';

export function useNow(everyMs: number, ticking: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs, ticking]);
  return now;
}
