import { badRequest } from '../../common/errors.ts';
import type { PredictAnswer, PredictBatchAnswer } from '../../common/protocols/predict.ts';
import type { Ensemble } from '../ensemble.ts';
import { json, type HttpRequest, type HttpResponse } from '../http.ts';
import { readNumericQueries } from '../numeric-queries.ts';
import type { Predictor, PredictResult } from '../predictor.ts';
import { deadlineOf, jsonObject } from './body.ts';

/**
 * Rafiki's `POST /predict`: `{"query": q}` → `{"prediction": p}`, or
 * `{"queries": [...]}` → `{"predictions": [...]}`; a classification's answer
 * adds the most probable class and its probability (`label`, `label_probability`;
 * `labels`, `label_probabilities`); `"partial": true` is added when a trial's
 * answer missed the deadline. Numeric queries for ONNX trials
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
      return answer(predictor.ensemble, numeric.single, await predictor.predictRows(numeric.rows, { deadlineMs }));
    }
    const body = jsonObject(request.body);
    const deadlineMs = deadlineOf(body.deadline_ms, defaultDeadlineMs);
    const single = 'query' in body;
    if (single === 'queries' in body) throw badRequest('the body must have either "query" (one query) or "queries" (an array of queries)');
    if (!single && !Array.isArray(body.queries)) throw badRequest(`"queries" must be an array of queries, got ${JSON.stringify(body.queries)}`);
    const queries = single ? [body.query] : (body.queries as unknown[]);
    return answer(predictor.ensemble, single, await predictor.predict(queries, { deadlineMs }));
  };
}

function answer(ensemble: Ensemble, single: boolean, { predictions, partial }: PredictResult): HttpResponse {
  let body: PredictAnswer | PredictBatchAnswer;
  if (ensemble.classes.length === 0) {
    body = single ? { prediction: predictions[0]! } : { predictions };
  } else {
    const labelled = predictions.map((p) => ensemble.label(p)!);
    body = single
      ? { prediction: predictions[0]!, label: labelled[0]!.label, label_probability: labelled[0]!.probability }
      : { predictions, labels: labelled.map((l) => l.label), label_probabilities: labelled.map((l) => l.probability) };
  }
  return json(200, partial ? { ...body, partial: true } : body);
}
