/**
 * The hostile values a corpus is made of, by where they go: JSON values for a
 * body field, raw JSON text (what JSON.stringify cannot write), text for a
 * path or query value, and whole bodies.
 */

/** Bytes in a "huge" string: at the Admin's default body limit (1 MiB), so a body holding one is refused whole. */
export const HUGE = 1024 * 1024;
/** Nested one level past what every service accepts (src/common/json-depth.ts). */
export const TOO_DEEP = 65;

/** `[[[…]]]` nested `levels` deep around `inner`. */
export function nested(levels: number, inner: unknown = 1): unknown {
  let value = inner;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

/** Strings that are odd as text: NUL, lone surrogates, bidi, emoji, combining marks, look-alike digits. */
export const ODD_STRINGS: Record<string, string> = {
  'empty': '',
  'blank': '   ',
  'a NUL': '\u0000',
  'a NUL inside': 'a\u0000b',
  'a lone high surrogate': '\ud800',
  'a lone low surrogate inside': 'a\udfffb',
  'a right-to-left override': '\u202eabc',
  'Arabic': 'مرحبا',
  'an emoji with a skin tone': '👍🏽',
  'stacked combining marks': `e${'\u0301'.repeat(50)}`,
  'a zero-width space': '\u200b',
  'a byte order mark': '\ufeff',
  'full-width digits': '１２３',
  'a numeric string': '1',
  'a negative numeric string': '-1',
  'an exponent string': '1e308',
  'NaN as text': 'NaN',
  'true as text': 'true',
  'null as text': 'null',
  'JSON as text': '{"a":[1]}',
  'SQL': "' or 1=1 --",
  'a path': '../../etc/passwd',
  'percent escapes': '%00%ff',
  'HTML': '<script>alert(1)</script>',
  'a newline and a tab': 'a\nb\tc',
  '64 KiB': 'x'.repeat(64 * 1024),
};

/**
 * The odd strings for a multipart form's text fields: one of each way text
 * travels differently there (lone surrogates cannot be written in UTF-8; invalid
 * bytes stand for them). Fewer than for JSON, since every one a form accepts
 * costs an upload check in a subprocess.
 */
export const FORM_STRINGS: Record<string, string | Uint8Array> = Object.fromEntries(
  ['empty', 'blank', 'a NUL', 'a NUL inside', 'a right-to-left override', 'an emoji with a skin tone', 'stacked combining marks', 'a byte order mark', 'a numeric string', 'JSON as text', 'SQL', 'a newline and a tab', '64 KiB']
    .map((what) => [what, ODD_STRINGS[what]!] as [string, string | Uint8Array])
    .concat([['invalid UTF-8', new Uint8Array([0x61, 0xff, 0xed, 0xa0, 0x80])]]),
);

/** Numbers at the edges of what a field holds: signs, fractions, int32 and double limits. */
export const ODD_NUMBERS: Record<string, number> = {
  'zero': 0,
  'minus one': -1,
  'minus two': -2,
  'a half': 0.5,
  'minus a half': -0.5,
  'below int32': -(2 ** 31) - 1,
  'above int32': 2 ** 31,
  'above 2^53': 2 ** 53 + 2,
  'the largest double': Number.MAX_VALUE,
  'the most negative double': -Number.MAX_VALUE,
  'a subnormal': 5e-324,
};

/** Number-like tokens JSON.stringify cannot write: each makes the body's JSON text read otherwise, or not at all. */
export const RAW_NUMBERS: Record<string, string> = {
  'minus zero': '-0',
  'an exponent past double (Infinity to JSON.parse)': '1e400',
  'NaN': 'NaN',
  'Infinity': 'Infinity',
  'minus Infinity': '-Infinity',
  'hexadecimal': '0x10',
  'a leading plus': '+1',
  'a leading zero': '01',
  'a bare fraction': '.5',
  '400 digits': '9'.repeat(400),
};

/** One value of every JSON type, for "the wrong type" wherever a field takes another. */
export const JSON_TYPES: Record<string, unknown> = {
  string: 'corpus',
  integer: 7,
  number: 1.5,
  boolean: true,
  null: null,
  array: [1],
  object: { a: 1 },
};

/** A path or query value as it is written in the URL (already percent-encoded where it must be). */
export const ODD_URL_VALUES: Record<string, string> = {
  'empty': '',
  'a word': 'corpus',
  'minus one': '-1',
  'zero': '0',
  'a fraction': '1.5',
  'an exponent': '1e3',
  'above int32': '2147483648',
  'below int32': '-2147483649',
  'twenty digits': '99999999999999999999',
  'NaN': 'NaN',
  'Infinity': 'Infinity',
  'hexadecimal': '0x1f',
  'a leading space': '%201',
  'full-width digits': '%EF%BC%91',
  'a NUL': '%00',
  'a lone surrogate (invalid UTF-8)': '%ED%A0%80',
  'an overlong slash (invalid UTF-8)': '%C0%AF',
  'a truncated escape': '%E0%A4',
  'a bare percent': '%',
  'a bad escape': '%zz',
  'an emoji': '%F0%9F%91%8D',
  'a right-to-left override': '%E2%80%AEabc',
  'dot dot': '..',
  'an encoded slash': 'a%2Fb',
  'a nil UUID': '00000000-0000-0000-0000-000000000000',
  'an upper-case UUID': 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
  'a UUID without dashes': 'a0eebc999c0b4ef8bb6d6bb9bd380a11',
  'a UUID in braces': '%7Ba0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11%7D',
  '8 KiB': 'x'.repeat(8 * 1024),
};

/**
 * Bun's HTTP parser refuses a request head over 16 KiB with a bare 431 before any
 * application code runs; a value this long shows that limit, nothing of Rafiki's.
 */
export const URL_PAST_HEAD_LIMIT = 'x'.repeat(HUGE);

/** Whole JSON bodies that are wrong as a whole: not JSON, not an object, empty, too deep. */
export const ODD_BODIES: Record<string, string | Uint8Array> = {
  'empty': '',
  'whitespace': ' \n ',
  'null': 'null',
  'an array': '[]',
  'a string': '"corpus"',
  'a number': '7',
  'truncated JSON': '{"a": [1, 2',
  'a trailing comma': '{"a": 1,}',
  'single quotes': "{'a': 1}",
  'a comment': '{/* c */}',
  'two objects': '{}{}',
  'a byte order mark before JSON': '\ufeff{}',
  'invalid UTF-8': Buffer.concat([Buffer.from('{"a": "'), Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')]),
  'arrays nested too deep': `${'['.repeat(TOO_DEEP)}${']'.repeat(TOO_DEEP)}`,
  'objects nested too deep': `${'{"a":'.repeat(TOO_DEEP)}1${'}'.repeat(TOO_DEEP)}`,
  'one hundred thousand open brackets': '['.repeat(100_000),
};

/** Content types a JSON route may be sent instead of application/json. */
export const ODD_CONTENT_TYPES: Record<string, string | null> = {
  'none': null,
  'text/plain': 'text/plain',
  'form-urlencoded': 'application/x-www-form-urlencoded',
  'multipart without a boundary': 'multipart/form-data',
  'XML': 'application/xml',
  'octet-stream': 'application/octet-stream',
  'JSON in another charset': 'application/json; charset=utf-16',
  'JSON upper-cased': 'APPLICATION/JSON',
  'garbage': ';;;=',
};
