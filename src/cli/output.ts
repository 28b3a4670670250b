/** How commands print: raw JSON for scripts with `--json`, readable text otherwise. */
import type { Command } from 'commander';

export interface JsonFlag {
  json?: boolean;
}

/** Adds `--json` to a command. */
export const withJson = (command: Command): Command => command.option('--json', 'print the raw JSON result on stdout');

/** Prints `value` as JSON with `--json`, else the text that `human` makes of it. */
export function print<T>(flags: JsonFlag, value: T, human: (value: T) => string): void {
  console.log(flags.json ? JSON.stringify(value, null, 2) : human(value));
}

/** The terminal's columns; undefined when stdout is not a terminal, where nothing is cut to fit. */
export function terminalWidth(): number | undefined {
  if (!process.stdout.isTTY) return undefined;
  return process.stdout.columns || Number(process.env.COLUMNS) || 80;
}

/** `2026-11-26T19:30:02.123Z` → `2026-11-26 19:30:02` (UTC, as the Admin stores it). */
export const when = (iso: string | null | undefined): string => (iso ? iso.slice(0, 19).replace('T', ' ') : '-');

/** 1536 → `1.5 KB`. */
export function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** 87 → `87ms`, 1234 → `1.2s`, 184_000 → `3m04s`, 7_500_000 → `2h05m`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

/** From `start` to `stop`, or to now while it runs. */
export const elapsed = (start: string, stop: string | null, now = Date.now()): string => duration((stop ? Date.parse(stop) : now) - Date.parse(start));

/** A score as a reader compares them: four decimals. */
export const score = (value: number | null | undefined): string => (value === null || value === undefined ? '-' : value.toFixed(4));

/** `{lr: 0.0012345, decay: 0.0000012, act: 'relu'}` → `lr=0.00123 decay=1.2e-6 act=relu`. */
export function knobsSummary(knobs: Record<string, number | string | boolean>): string {
  return Object.entries(knobs).map(([name, value]) => `${name}=${typeof value === 'number' ? number(value) : value}`).join(' ');
}

/** Three significant digits; an exponent below 0.001, where zeros would take the room. */
function number(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (Math.abs(value) < 1e-3) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(3)));
}
