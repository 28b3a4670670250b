/**
 * The Advisor's JSON bodies. Python's json module (what most training scripts
 * use) writes a NaN or infinite score as the bare tokens NaN and Infinity, which
 * JSON forbids; they are read here as null, a failed trial, instead of
 * refusing the whole report.
 */
import { Elysia } from 'elysia';
import { badRequest } from '../common/errors.ts';
import { readCapped, tooLarge } from '../common/json-body.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../common/json-depth.ts';

const NON_FINITE = /"(?:[^"\\]|\\.)*"|-?\bInfinity\b|\bNaN\b/g;

/**
 * JSON.parse, reading NaN, Infinity and -Infinity outside strings as null.
 *
 * @example
 * parseLenientJson('{"score": NaN, "note": "NaN"}'); // { score: null, note: 'NaN' }
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(text.replace(NON_FINITE, (token) => (token.startsWith('"') ? token : 'null')));
  }
}

/** Parses JSON bodies of at most `limit` bytes leniently and requires an object. */
export const advisorJsonBody = (limit: number) =>
  new Elysia({ name: 'rafiki.advisor-json-body', seed: limit }).onParse({ as: 'global' }, async ({ request, contentType }) => {
    if (!contentType.startsWith('application/json')) return;
    if (Number(request.headers.get('content-length') ?? 0) > limit) throw tooLarge(limit);
    const text = await readCapped(request, limit);
    if (text.trim() === '') return {};
    if (nestsDeeperThan(text)) throw badRequest(`the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    let value: unknown;
    try {
      value = parseLenientJson(text);
    } catch {
      throw badRequest('the request body is not valid JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('body must be a JSON object');
    return value;
  });
