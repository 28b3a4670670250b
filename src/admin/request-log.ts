/**
 * Around the Admin's handler: each request is logged (method, path, route,
 * status, duration, user) as one JSON line and counted in the metrics. The
 * path is logged without its query string, and neither headers nor bodies are,
 * so no token or password reaches the log.
 */
import type { Logger } from '../common/log.ts';
import type { AdminMetrics } from './metrics.ts';
import { callerOf } from './request-caller.ts';

interface RoutePattern { path: string }

/** What a path that matches no route is counted as, so that unknown paths add no labels. */
export const UNMATCHED = 'unmatched';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Routes a monitor calls every few seconds: logged at debug, so that they do not drown the rest. */
const ROUTINE = new Set(['/health', '/metrics']);

/**
 * The pattern of the route a path takes (`/train_jobs/:app/:app_version`), or UNMATCHED;
 * fixed paths before patterns, as the router prefers them.
 *
 * @example
 * routeMatcher([{ path: '/trials/:id' }])('/trials/3f…'); // '/trials/:id'
 */
export function routeMatcher(routes: readonly RoutePattern[]): (path: string) => string {
  const fixed = new Set(routes.filter((r) => !/[:*]/.test(r.path)).map((r) => r.path));
  const patterns = [...new Set(routes.map((r) => r.path).filter((p) => /[:*]/.test(p)))]
    .map((path) => ({ path, params: (path.match(/[:*]/g) ?? []).length, regex: new RegExp(`^${path.split('/').map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`) }))
    .sort((a, b) => a.params - b.params || b.path.length - a.path.length);
  return (path) => (fixed.has(path) ? path : patterns.find((p) => p.regex.test(path))?.path ?? UNMATCHED);
}

/**
 * @example
 * const fetch = observeRequests((r) => app.handle(r), { routes: app.routes, log, metrics });
 */
export function observeRequests(
  handle: (request: Request) => Promise<Response>,
  { routes, log, metrics }: { routes: readonly RoutePattern[]; log: Logger; metrics: AdminMetrics },
): (request: Request) => Promise<Response> {
  const routeOf = routeMatcher(routes);
  return async (request) => {
    const started = performance.now();
    let status = 500;
    try {
      const response = await handle(request);
      status = response.status;
      return response;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      // Capped: a path is the caller's to choose, and a log line should stay a line.
      const path = new URL(request.url).pathname.slice(0, 512);
      const route = routeOf(path);
      const method = METHODS.has(request.method) ? request.method : 'OTHER';
      metrics.request({ route, method, status, seconds });
      const line = { method, path, route, status, duration_ms: Math.round(seconds * 10_000) / 10, user_id: callerOf(request) ?? null };
      if (status >= 500) log.error('request', line);
      else if (ROUTINE.has(route)) log.debug('request', line);
      else log.info('request', line);
    }
  };
}
