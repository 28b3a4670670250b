/** Wire schema of GET /health: the same shape whether healthy (200) or not (503). */
import { t } from 'elysia';
import { oneOf } from './common.ts';

export const HealthResponse = t.Object({
  status: oneOf(['ok', 'unavailable'] as const),
  store: t.Object({ kind: oneOf(['embedded', 'server'] as const), ok: t.Boolean() }),
  sandbox: t.Boolean(),
});
