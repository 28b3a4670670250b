import { expect, test } from 'bun:test';
import { jsonLogger } from './log.ts';

test('one JSON line per entry at or above the level; secrets by name are redacted', () => {
  const lines: string[] = [];
  const log = jsonLogger({ level: 'info', write: (line) => lines.push(line) });
  log.debug('hidden');
  log.info('request', { status: 200, user_id: 'u1' });
  log.error('failed', { password: 'hunter22', Authorization: 'Bearer x', access_token: 't', reason: 'boom' });
  expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
  const [request, failed] = lines.map((line) => JSON.parse(line));
  expect(lines).toHaveLength(2);
  expect(request).toMatchObject({ level: 'info', msg: 'request', status: 200, user_id: 'u1' });
  expect(Number.isNaN(Date.parse(request.time))).toBe(false);
  expect(failed).toMatchObject({ level: 'error', password: '[redacted]', Authorization: '[redacted]', access_token: '[redacted]', reason: 'boom' });
});
