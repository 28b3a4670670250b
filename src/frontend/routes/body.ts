import { badRequest } from '../../common/errors.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../common/json-depth.ts';

/** The largest `deadline_ms` a request may ask for. */
export const MAX_DEADLINE_MS = 60_000;

/** A request body as a JSON object, or a 400 saying what was wrong. */
export function jsonObject(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  if (nestsDeeperThan(text)) throw badRequest(`the body nests deeper than ${MAX_JSON_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw badRequest(`the body must be JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`the body must be a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A request's own deadline, or the job's. */
export function deadlineOf(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 1 && value <= MAX_DEADLINE_MS)) {
    throw badRequest(`deadline_ms must be a number of milliseconds from 1 to ${MAX_DEADLINE_MS}, got ${JSON.stringify(value)}`);
  }
  return value;
}
