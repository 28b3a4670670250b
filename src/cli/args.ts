/** Parsers of option values: a bad value is a usage error (exit 2) that names it. */
import { InvalidArgumentError, Option } from 'commander';

export function integer(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected an integer, got ${value}`);
  return Number(value);
}

export function positiveInteger(value: string): number {
  const n = integer(value);
  if (n < 1) throw new InvalidArgumentError(`expected a positive integer, got ${value}`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got ${value}`);
  return n;
}

/** `a,b,c` → `['a', 'b', 'c']`, blanks dropped. */
export function list(value: string): string[] {
  const items = value.split(',').map((item) => item.trim()).filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError(`expected a comma-separated list, got ${JSON.stringify(value)}`);
  return items;
}

/** An app version: a positive integer, or -1 for the latest. */
export function appVersion(value: string): number {
  const n = integer(value);
  if (n < 1 && n !== -1) throw new InvalidArgumentError(`expected an app version (1, 2, … or -1 for the latest), got ${value}`);
  return n;
}

/** `--version <version>`, the same on every command that takes an app version; -1 (the latest) by default. */
export const versionOption = (description = 'the app version'): Option =>
  new Option('--version <version>', description).argParser(appVersion).default(-1, 'the latest');
