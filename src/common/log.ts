/**
 * Structured logs: one JSON object per line (`time`, `level`, `msg`, then the
 * fields), at or above a level (RAFIKI_LOG_LEVEL). A field whose name says it
 * holds a secret (a password, a token, a key, an authorization) is written as
 * "[redacted]", whatever a caller passed.
 *
 * @example
 * const log = jsonLogger({ level: 'info' });
 * log.info('request', { method: 'GET', path: '/users', status: 200 });
 * // {"time":"2026-…","level":"info","msg":"request","method":"GET","path":"/users","status":200}
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const SECRET = /password|token|secret|authorization|cookie|private_?key|api_?key/i;

function redacted(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) out[key] = SECRET.test(key) ? '[redacted]' : value;
  return out;
}

export function jsonLogger({ level = 'info', write = (line: string) => void process.stdout.write(line) }: { level?: LogLevel; write?: (line: string) => void } = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const at = (lineLevel: LogLevel) => (msg: string, fields: LogFields = {}) => {
    if (LOG_LEVELS.indexOf(lineLevel) < threshold) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: lineLevel, msg, ...redacted(fields) })}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
