/**
 * How long something ran: from `from` to `to`, or to now while `to` is null,
 * counting on by the second. Only this text is drawn again each second, not the
 * page around it.
 */
import { useEffect, useState } from 'preact/hooks';
import { formatDuration } from './format.ts';

export function Elapsed({ from, to }: { from: string; to: string | null }) {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (to !== null) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [to]);
  return <>{formatDuration(from, to, now)}</>;
}

/** Milliseconds from `from` to `to`, or to now: what a duration column sorts by. */
export const elapsedMs = (from: string, to: string | null) => (to ? Date.parse(to) : Date.now()) - Date.parse(from);
