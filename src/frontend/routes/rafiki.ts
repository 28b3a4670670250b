import { badRequest } from '../../common/errors.ts';
import { json, type HttpRequest, type HttpResponse } from '../http.ts';
import { readNumericQueries } from '../numeric-queries.ts';
import type { Predictor, PredictResult } from '../predictor.ts';
import { deadlineOf, jsonObject } from './body.ts';

/**
 * Rafiki's `POST /predict`: `{"query": q}` → `{"prediction": p}`, or
 * `{"queries": [...]}` → `{"predictions": [...]}`; `"partial": true` is added
 * when a trial's answer missed the deadline. Numeric queries for ONNX trials
 * take the fast path of numeric-queries.ts; every other body is parsed as JSON.
 *
 * @example
 * await predictRoute(predictor, 1000)({ method: 'POST', path: '/predict', body: Buffer.from('{"query":[5.1,3.5,1.4,0.2]}') });
 */
export function predictRoute(predictor: Predictor, defaultDeadlineMs: number) {
  return async (request: HttpRequest): Promise<HttpResponse> => {
    const input = predictor.commonInput;
    const numeric = input && readNumericQueries(request.body, input);
    if (numeric) {
      const deadlineMs = deadlineOf(numeric.deadlineMs, defaultDeadlineMs);
      return answer(numeric.single, await predictor.predictRows(numeric.rows, { deadlineMs }));
    }
    const body = jsonObject(request.body);
    const deadlineMs = deadlineOf(body.deadline_ms, defaultDeadlineMs);
    const single = 'query' in body;
    if (single === 'queries' in body) throw badRequest('the body must have either "query" (one query) or "queries" (an array of queries)');
    if (!single && !Array.isArray(body.queries)) throw badRequest(`"queries" must be an array of queries, got ${JSON.stringify(body.queries)}`);
    const queries = single ? [body.query] : (body.queries as unknown[]);
    return answer(single, await predictor.predict(queries, { deadlineMs }));
  };
}

function answer(single: boolean, { predictions, partial }: PredictResult): HttpResponse {
  const body = single ? { prediction: predictions[0] } : { predictions };
  return json(200, partial ? { ...body, partial: true } : body);
}
