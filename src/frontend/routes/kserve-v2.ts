import { badRequest, notFound, RafikiError } from '../../common/errors.ts';
import { InputError } from '../../model/errors.ts';
import type { OnnxInputSpec } from '../../model/model.ts';
import type { Task } from '../../model/task.ts';
import { json, type HttpRequest, type HttpResponse } from '../http.ts';
import type { Ensemble, Prediction } from '../ensemble.ts';
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
 * job's app. A classifier answers two outputs, `probabilities` and `labels` (the
 * most probable class of each query, BYTES); a request's `outputs` picks among
 * them. Health endpoints live in server.ts.
 *
 * @example
 * const route = kserveV2(predictor, model, () => true);
 * await route({ method: 'GET', path: '/v2/models/iris', body: Buffer.alloc(0) });
 */
export function kserveV2(predictor: Predictor, model: V2Model, ready: () => boolean) {
  const metadata = modelMetadata(model);
  const outputNames = metadata.outputs.map((o) => o.name);
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
      const asked = askedOutputs(body.outputs, outputNames);
      const { predictions, partial } = await predictor.predict(queries, { deadlineMs }).catch((err: unknown) => {
        // The predict path names a bad value by its query ("query 0: pixel (0, 0) …"): here a query is a row of the tensor's data.
        if (err instanceof InputError || (err instanceof RafikiError && err.status === 400)) throw badRequest(`inputs[0].data: ${err.message}`);
        throw err;
      });
      const outputs = v2Outputs(predictor.ensemble, predictions);
      return json(200, {
        model_name: model.app,
        model_version: String(model.appVersion),
        ...(body.id === undefined ? {} : { id: body.id }),
        ...(partial ? { parameters: { partial: true } } : {}),
        outputs: asked ? outputs.filter((o) => asked.includes(o.name)) : outputs,
      });
    },
  };
}

/** The names of the outputs a request asks for (all when it names none); an unknown name is a 400. */
function askedOutputs(outputs: { name: string }[] | undefined, names: string[]): string[] | undefined {
  outputs?.forEach(({ name }, i) => {
    if (!names.includes(name)) throw badRequest(`outputs[${i}].name is ${JSON.stringify(name)}; this model's outputs are ${names.join(', ')}`);
  });
  return outputs?.map((o) => o.name);
}

/** The outputs of one infer call: a regression's values; a classifier's probabilities and labels. */
function v2Outputs(ensemble: Ensemble, predictions: Prediction[]) {
  const n = predictions.length;
  if (ensemble.classes.length === 0) return [{ name: 'predictions', shape: [n], datatype: 'FP32', data: predictions as number[] }];
  return [
    { name: 'probabilities', shape: [n, ensemble.classes.length], datatype: 'FP32', data: (predictions as number[][]).flat() },
    { name: 'labels', shape: [n], datatype: 'BYTES', data: predictions.map((p) => ensemble.label(p)!.label) },
  ];
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
    outputs: regression
      ? [{ name: 'predictions', datatype: 'FP32', shape: [-1] }]
      : [
          { name: 'probabilities', datatype: 'FP32', shape: [-1, model.classes.length], parameters: { classes: model.classes } },
          { name: 'labels', datatype: 'BYTES', shape: [-1], parameters: { classes: model.classes } },
        ],
  };
}
