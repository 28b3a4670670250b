/**
 * The dashboard's files: `/` answers its page to a browser (an API client asking
 * for JSON still gets the Admin's name and where its OpenAPI document is), and
 * `/dashboard/*` its script and stylesheet. The page may reach only this Admin
 * and predictors on its public host (its Content-Security-Policy says so).
 */
import { Elysia } from 'elysia';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { notFound } from '../../common/errors.ts';
import { buildDashboard, dashboardIsCurrent, DASHBOARD_DIST } from './build.ts';

export function dashboardRoutes(options: { publicHost: string; dist?: string }) {
  const dist = options.dist ?? DASHBOARD_DIST;
  let ready: Promise<void> | undefined;
  // Built once per process, at the first request that needs it, when missing or older than its sources.
  const files = () => (ready ??= dashboardIsCurrent(dist) ? Promise.resolve() : buildDashboard(dist).then(() => {}));
  const policy = [
    "default-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self' http://${options.publicHost}:* https://${options.publicHost}:*`,
    "frame-ancestors 'none'",
  ].join('; ');

  return new Elysia({ name: 'rafiki.dashboard' })
    .get('/', async ({ request }) => {
      if (!(request.headers.get('accept') ?? '').includes('text/html')) return { name: 'rafiki-admin', openapi: '/openapi', dashboard: '/' };
      await files();
      return new Response(Bun.file(join(dist, 'index.html')), {
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'content-security-policy': policy, 'x-content-type-options': 'nosniff' },
      });
    }, { detail: { hide: true } })
    .get('/dashboard/:file', async ({ params }) => {
      await files();
      // One flat folder: a name with a path in it names nothing here.
      const path = join(dist, basename(params.file));
      if (basename(params.file) !== params.file || params.file === 'index.html' || !existsSync(path)) throw notFound(`no dashboard file ${params.file}`);
      return new Response(Bun.file(path), { headers: { 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' } });
    }, { detail: { hide: true } });
}
