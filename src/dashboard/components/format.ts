/** How values read on every page. */
export const formatScore = (score: number | null | undefined) => (score === null || score === undefined ? '—' : score.toFixed(4));

export function formatDuration(startedIso: string, stoppedIso: string | null, now = Date.now()): string {
  const ms = (stoppedIso ? Date.parse(stoppedIso) : now) - Date.parse(startedIso);
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return minutes < 60 ? `${minutes} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export const formatTime = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** A knob's value: integers whole, other numbers to 3 significant digits (very small or large ones in e-notation). */
export function formatKnob(value: number | string | boolean | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return String(value);
  const size = Math.abs(value);
  return size !== 0 && (size < 1e-3 || size >= 1e5) ? value.toExponential(2).replace(/\.?0+e/, 'e') : String(Number(value.toPrecision(3)));
}
