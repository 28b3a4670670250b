import { badRequest } from '../../common/errors.ts';
import { json, type HttpRequest, type HttpResponse } from '../http.ts';
import type { Predictor } from '../predictor.ts';
import { deadlineOf, jsonObject } from './body.ts';

/**
 * Rafiki's `POST /predict`: `{"query": q}` → `{"prediction": p}`, or
 * `{"queries": [...]}` → `{"predictions": [...]}`; `"partial": true` is added
 * when a trial's answer missed the deadline.
 *
 * @example
 * await predictRoute(predictor, 1000)({ method: 'POST', path: '/predict', body: Buffer.from('{"query":[5.1,3.5,1.4,0.2]}') });
 */
export function predictRoute(predictor: Predictor, defaultDeadlineMs: number) {
  return async (request: HttpRequest): Promise<HttpResponse> => {
    const body = jsonObject(request.body);
    const deadlineMs = deadlineOf(body.deadline_ms, defaultDeadlineMs);
    const single = 'query' in body;
    if (single === 'queries' in body) throw badRequest('the body must have either "query" (one query) or "queries" (an array of queries)');
    if (!single && !Array.isArray(body.queries)) throw badRequest(`"queries" must be an array of queries, got ${JSON.stringify(body.queries)}`);
    const queries = single ? [body.query] : (body.queries as unknown[]);
    const { predictions, partial } = await predictor.predict(queries, { deadlineMs });
    const answer = single ? { prediction: predictions[0] } : { predictions };
    return json(200, partial ? { ...answer, partial: true } : answer);
  };
}
