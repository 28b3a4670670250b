import { badRequest, notFound, RafikiError } from '../../common/errors.ts';
import { InputError } from '../../model/errors.ts';
import type { OnnxInputSpec } from '../../model/model.ts';
import type { Task } from '../../model/task.ts';
import { json, type HttpRequest, type HttpResponse } from '../http.ts';
import type { Predictor } from '../predictor.ts';
import { deadlineOf, jsonObject } from './body.ts';
import { v2Queries } from './v2-request.ts';

export interface V2Model {
  app: string;
  appVersion: number;
  task: Task;
  /** The first ONNX trial's input spec; null when every trial predicts with its template. */
  input: OnnxInputSpec | null;
  classes: string[];
  defaultDeadlineMs: number;
}

/**
 * The KServe v2 / Open Inference Protocol model endpoints, a thin translation
 * over the predict path: `GET /v2/models/:name` (metadata), `GET …/ready`,
 * `POST …/infer`, with or without `/versions/:version`. The model's name is the
 * job's app. Health endpoints live in server.ts.
 *
 * @example
 * const route = kserveV2(predictor, model, () => true);
 * await route({ method: 'GET', path: '/v2/models/iris', body: Buffer.alloc(0) });
 */
export function kserveV2(predictor: Predictor, model: V2Model, ready: () => boolean) {
  const metadata = modelMetadata(model);
  return {
    metadata: (name: string, version?: string) => {
      checkModel(model, name, version);
      return json(200, metadata);
    },
    ready: (name: string, version?: string) => {
      checkModel(model, name, version);
      const isReady = ready();
      return json(isReady ? 200 : 503, { name: model.app, ready: isReady });
    },
    async infer(request: HttpRequest, name: string, version?: string): Promise<HttpResponse> {
      checkModel(model, name, version);
      const { request: body, queries } = v2Queries(jsonObject(request.body), model);
      const deadlineMs = deadlineOf(body.parameters?.deadline_ms, model.defaultDeadlineMs);
      const { predictions, partial } = await predictor.predict(queries, { deadlineMs }).catch((err: unknown) => {
        // The predict path names a bad value by its query ("query 0: pixel (0, 0) …"): here a query is a row of the tensor's data.
        if (err instanceof InputError || (err instanceof RafikiError && err.status === 400)) throw badRequest(`inputs[0].data: ${err.message}`);
        throw err;
      });
      const n = queries.length;
      const output = model.task === 'TABULAR_REGRESSION'
        ? { name: 'predictions', shape: [n], datatype: 'FP32', data: predictions as number[] }
        : { name: 'probabilities', shape: [n, predictor.ensemble.classes.length], datatype: 'FP32', data: (predictions as number[][]).flat() };
      return json(200, {
        model_name: model.app,
        model_version: String(model.appVersion),
        ...(body.id === undefined ? {} : { id: body.id }),
        ...(partial ? { parameters: { partial: true } } : {}),
        outputs: [output],
      });
    },
  };
}

function checkModel(model: V2Model, name: string, version: string | undefined): void {
  if (name !== model.app) throw notFound(`there is no model "${name}" here; this frontend serves "${model.app}"`);
  if (version !== undefined && version !== String(model.appVersion)) {
    throw notFound(`model "${name}" has no version "${version}"; it serves version ${model.appVersion}`);
  }
}

function modelMetadata(model: V2Model) {
  const { input } = model;
  let inputShape: number[];
  let parameters: Record<string, unknown> = {};
  if (input?.kind === 'tabular') {
    inputShape = [-1, input.columns.length];
    // A categorical column takes its category's index in a numeric tensor, or its label in BYTES.
    parameters = { columns: input.columns.map((c) => c.name), categories: Object.fromEntries(input.columns.filter((c) => c.categories).map((c) => [c.name, c.categories])) };
  } else if (input?.kind === 'image') {
    inputShape = input.channels === 1 ? [-1, input.height, input.width] : [-1, input.height, input.width, input.channels];
  } else {
    inputShape = model.task === 'IMAGE_CLASSIFICATION' ? [-1, -1, -1] : [-1, -1];
  }
  const regression = model.task === 'TABULAR_REGRESSION';
  return {
    name: model.app,
    versions: [String(model.appVersion)],
    platform: 'rafiki_ensemble',
    inputs: [{ name: 'input', datatype: 'FP32', shape: inputShape, parameters }],
    outputs: [regression
      ? { name: 'predictions', datatype: 'FP32', shape: [-1] }
      : { name: 'probabilities', datatype: 'FP32', shape: [-1, model.classes.length], parameters: { classes: model.classes } }],
  };
}
