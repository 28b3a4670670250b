import { RafikiError } from '../common/errors.ts';
import { InputError } from '../model/errors.ts';
import type { Caller, PredictorAuth } from './auth.ts';
import { errorResponse, json, v2ErrorResponse, type Handler, type HttpRequest, type HttpResponse } from './http.ts';

// Routes that take no body are given an empty one: theirs is not read.
const NO_BODY = Buffer.alloc(0);
import type { FrontendMetrics } from './metrics.ts';
import { frontendDocument } from './openapi.ts';
import { ModelFailure, type Predictor } from './predictor.ts';
import { kserveV2, type V2Model } from './routes/kserve-v2.ts';
import { predictRoute } from './routes/rafiki.ts';

export interface HandlerOptions {
  predictor: Predictor;
  model: V2Model;
  metrics: FrontendMetrics;
  /** Whether new predictions are accepted (false while stopping: 503). */
  accepting: () => boolean;
  /** Whether the queue and the workers can serve. */
  ready: () => boolean;
  auth: PredictorAuth;
}

/** `open`: answers without a token (health checks); `takesBody`: its body is read (after the token is checked). */
type Route = { endpoint: string; predicts?: boolean; open?: boolean; takesBody?: boolean; run: (request: HttpRequest, params: string[]) => Promise<HttpResponse> | HttpResponse };

/**
 * The frontend's one request handler, behind every listener: routes Rafiki's
 * and the KServe v2 endpoints, `/metrics`, health and its API reference
 * (`/openapi.json`), checks the caller's token on all but health and the
 * reference, counts every answer, and turns errors into
 * `{"error": {"code", "message"}}` with their status, as the Admin's are (on the
 * KServe v2 routes `{"error": "..."}`, as KServe's are); user mistakes are 4xx, never 500. A
 * model's own failure is told in its words to the job's owner and admins only.
 *
 * @example
 * const handler = frontendHandler({ predictor, model, metrics, auth, accepting: () => true, ready: () => true });
 * await handler({ method: 'GET', path: '/v2/health/live' }, async () => Buffer.alloc(0));
 */
export function frontendHandler(options: HandlerOptions): Handler {
  const { predictor, model, metrics } = options;
  const v2 = kserveV2(predictor, model, () => options.accepting() && options.ready());
  const reference = JSON.stringify(frontendDocument(model));
  const model$ = '/v2/models/([^/]+)(?:/versions/([^/]+))?';
  const routes: [string, string | RegExp, Route][] = [
    ['POST', '/predict', { endpoint: 'predict', predicts: true, takesBody: true, run: predictRoute(predictor, model.defaultDeadlineMs) }],
    ['POST', new RegExp(`^${model$}/infer$`), { endpoint: 'v2_infer', predicts: true, takesBody: true, run: (r, [name, version]) => v2.infer(r, decode(name!), version && decode(version)) }],
    ['GET', new RegExp(`^${model$}/ready$`), { endpoint: 'v2_model_ready', run: (_, [name, version]) => v2.ready(decode(name!), version && decode(version)) }],
    ['GET', new RegExp(`^${model$}$`), { endpoint: 'v2_model_metadata', run: (_, [name, version]) => v2.metadata(decode(name!), version && decode(version)) }],
    ['GET', '/v2/health/live', { endpoint: 'v2_live', open: true, run: () => json(200, { live: true }) }],
    ['GET', '/v2/health/ready', { endpoint: 'v2_ready', open: true, run: () => (options.accepting() && options.ready() ? json(200, { ready: true }) : json(503, { ready: false })) }],
    ['GET', '/v2', { endpoint: 'v2_server', run: () => json(200, { name: 'rafiki', version: '0.1.0', extensions: [] }) }],
    ['GET', '/metrics', { endpoint: 'metrics', run: async () => ({ status: 200, body: await metrics.registry.metrics(), contentType: metrics.registry.contentType }) }],
    ['GET', '/openapi.json', { endpoint: 'openapi', open: true, run: () => ({ status: 200, body: reference }) }],
  ];
  // Fixed paths by one lookup, since routing runs on every request.
  const exact = new Map(routes.flatMap(([method, path, route]) => (typeof path === 'string' ? [[`${method} ${path}`, route] as const] : [])));

  return async (head, readBody) => {
    const started = performance.now();
    let endpoint = 'unknown';
    let response: HttpResponse;
    let caller: Caller | null = null;
    try {
      const fixed = exact.get(`${head.method} ${head.path}`);
      const matches = fixed ? [{ method: head.method, route: fixed, params: [] as string[] }] : routes.flatMap(([method, path, route]) => {
        const match = typeof path === 'string' ? (path === head.path ? [path] : null) : path.exec(head.path);
        return match ? [{ method, route, params: match.slice(1) }] : [];
      });
      const found = matches.find((m) => m.method === head.method);
      if (!found) {
        response = matches.length > 0
          ? errorResponse(405, `${head.path} takes ${[...new Set(matches.map((m) => m.method))].join(', ')}, not ${head.method}`)
          : errorResponse(404, `there is no ${head.path} here; try POST /predict or the KServe v2 paths under /v2`);
      } else {
        endpoint = found.route.endpoint;
        if (!found.route.open) caller = await options.auth.authorize(head.authorization);
        if (found.route.predicts && !options.accepting()) response = failure(endpoint, 503, 'the inference job is stopping; no new queries are taken');
        else response = await found.route.run({ ...head, body: found.route.takesBody ? await readBody() : NO_BODY } satisfies HttpRequest, found.params);
      }
    } catch (err) {
      const { status, message } = toError(err, caller);
      response = failure(endpoint, status, message);
    }
    metrics.request(endpoint, response.status, (performance.now() - started) / 1000);
    return response;
  };
}

/** An error in the shape of the route's protocol. */
function failure(endpoint: string, status: number, message: string): HttpResponse {
  return (endpoint.startsWith('v2_') ? v2ErrorResponse : errorResponse)(status, message);
}

function toError(err: unknown, caller: Caller | null): { status: number; message: string } {
  if (err instanceof ModelFailure && !caller?.mayDebug) return { status: err.status, message: err.generic };
  if (err instanceof RafikiError) return { status: err.status, message: err.message };
  if (err instanceof InputError) return { status: 400, message: err.message };
  return { status: 500, message: err instanceof Error ? err.message : String(err) };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
