/**
 * How deeply a JSON text nests, found by one pass over its characters before
 * anything parses it: a body of 100,000 nested arrays parses quickly but then
 * costs seconds in every recursive walk after (validation, copies), on the
 * event loop that serves everyone else.
 */

/** The most nesting any Rafiki request needs (queries are at most a few levels deep). */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether `text` nests objects and arrays deeper than `max`; strings are
 * skipped, with their escapes.
 *
 * @example
 * nestsDeeperThan('[[[1]]]', 2);   // true
 * nestsDeeperThan('{"a": "[[["}', 2); // false
 */
export function nestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}
