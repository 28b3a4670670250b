/**
 * GET /metrics: the Admin's Prometheus metrics (src/admin/metrics.ts). As on a
 * predictor, a token is needed: here an admin's, since the counts cover every user's jobs.
 */
import { Elysia } from 'elysia';
import { ADMIN_TYPES } from '../../common/domain.ts';
import { RafikiError } from '../../common/errors.ts';
import { guard } from '../auth/guard.ts';
import type { AdminDeps } from '../context.ts';

export const metricsRoutes = (deps: AdminDeps) =>
  new Elysia()
    .use(guard(deps))
    .get('/metrics', async () => {
      let text: string;
      try {
        text = await deps.metrics.text();
      } catch (error) {
        throw new RafikiError('UNAVAILABLE', `the metrics could not be read from the store: ${(error as Error).message}`);
      }
      return new Response(text, { headers: { 'content-type': deps.metrics.contentType } });
    }, { roles: ADMIN_TYPES, detail: { summary: 'Prometheus metrics: HTTP requests by route, jobs and trials by status, trial durations, pending trials (an admin\'s token)', tags: ['operations'] } });
