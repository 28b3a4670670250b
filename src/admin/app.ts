/** The Admin's HTTP API (docs/design.md §3) as an Elysia app, without a listener. */
import { Elysia } from 'elysia';
import { jsonBody } from '../common/json-body.ts';
import { noNul } from '../common/no-nul.ts';
import { httpErrors } from '../common/http-errors.ts';
import { plainJson } from '../common/http-json.ts';
import { apiReference } from './api-reference.ts';
import { adminContext, type AdminDeps } from './context.ts';
import { dashboardRoutes } from './dashboard/routes.ts';
import { HealthResponse } from './schemas/health.ts';
import { datasetRoutes } from './routes/datasets.ts';
import { inferenceJobRoutes } from './routes/inference-jobs.ts';
import { predictorRoutes } from './routes/predictors.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { modelRoutes } from './routes/models.ts';
import { trainJobRoutes } from './routes/train-jobs.ts';
import { userRoutes } from './routes/users.ts';

export function createAdminApp(deps: AdminDeps) {
  return new Elysia({ normalize: false })
    .use(httpErrors)
    .use(plainJson)
    .use(jsonBody(deps.config.maxBodyBytes))
    .use(noNul)
    .use(apiReference({ title: 'Rafiki Admin', version: '0.1.0', description: 'Machine learning as a service: users, models, datasets, train and inference jobs.' }))
    .use(adminContext(deps))
    .use(dashboardRoutes({ publicHost: deps.config.publicHost }))
    .get('/health', async ({ set }) => {
      const ok = await deps.store.healthy();
      if (!ok) set.status = 503;
      return { status: ok ? 'ok' as const : 'unavailable' as const, store: { kind: deps.store.kind, ok }, sandbox: deps.services.sandboxed };
    }, { response: { 200: HealthResponse, 503: HealthResponse }, detail: { summary: 'Whether the Admin and its store answer', tags: ['health'] } })
    .use(userRoutes(deps))
    .use(modelRoutes(deps))
    .use(datasetRoutes(deps))
    .use(trainJobRoutes(deps))
    .use(inferenceJobRoutes(deps))
    .use(predictorRoutes(deps))
    .use(metricsRoutes(deps));
}

export type AdminApp = ReturnType<typeof createAdminApp>;
