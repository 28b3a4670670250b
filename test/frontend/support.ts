/** Trained trials and running frontends for the frontend's end-to-end tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http2 from 'node:http2';
import { join } from 'node:path';
import { createNetwork, encodeParams, loadTabularDataset, type Knobs, type ModelClass, type TrainContext } from 'rafiki/model';
import { RidgeRegression } from '../../models/ridge_regression.ts';
import { SoftmaxRegression } from '../../models/softmax_regression.ts';
import { FRONTEND_DEFAULTS, type DeployedTrial, type FrontendSpec } from '../../src/common/protocols/frontend.ts';
import { startFrontend, type RunningFrontend } from '../../src/frontend/frontend.ts';
import { deployableTemplate, testServices } from '../support/services.ts';
import { TEST_KEYS, testToken } from '../support/tokens.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;
const FIXTURES = join(ROOT, 'test/fixtures');

export const services = await testServices();

/** The job's owner in these tests, and the token every helper below sends unless told otherwise. */
export const OWNER = 'owner-of-the-job';
export const OWNER_TOKEN = await testToken(OWNER, 'APP_DEVELOPER');
const bearer = (token: string | null): Record<string, string> => (token === null ? {} : { authorization: `Bearer ${token}` });

/** A frontend in this process, its workers started through the tests' services (sandboxed where bubblewrap works). */
export function serve(spec: FrontendSpec): Promise<RunningFrontend> {
  return startFrontend(spec, { services });
}

const quiet: TrainContext = { log() {}, definePlot() {}, report: async () => 'continue' };

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'rafiki-frontend-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Trained {
  trial: DeployedTrial;
  /** The template's own predictions, to compare the served ones with. */
  predict(queries: unknown[]): Promise<unknown[]>;
}

/** Trains a built-in template on a fixture CSV and writes its parameters (and ONNX unless `onnx: false`). */
export async function trainTabular(dir: string, options: {
  /** A fixture's name (iris.csv, wine.csv, diabetes.csv) or an absolute path. */
  id: string; file: string; className: 'SoftmaxRegression' | 'RidgeRegression'; knobs: Knobs; onnx?: boolean;
}): Promise<Trained> {
  const Template: ModelClass = options.className === 'SoftmaxRegression' ? SoftmaxRegression : RidgeRegression;
  const task = options.className === 'SoftmaxRegression' ? 'TABULAR_CLASSIFICATION' : 'TABULAR_REGRESSION';
  const data = await loadTabularDataset(options.file.startsWith('/') ? options.file : join(FIXTURES, options.file), { task });
  const model = new Template(options.knobs);
  await model.train(data, quiet);
  const paramsPath = join(dir, `${options.id}.params`);
  writeFileSync(paramsPath, encodeParams(model.dumpParameters()));
  const onnxPath = options.onnx === false ? undefined : join(dir, `${options.id}.onnx`);
  if (onnxPath) writeFileSync(onnxPath, model.toOnnx!());
  const file = options.className === 'SoftmaxRegression' ? 'softmax_regression.ts' : 'ridge_regression.ts';
  const template = await deployableTemplate(join(ROOT, 'models', file));
  return {
    trial: { trialId: options.id, onnxPath, template: { ...template, className: options.className, knobs: options.knobs as DeployedTrial['template']['knobs'] }, paramsPath, classes: data.classes },
    predict: (queries) => model.predict(queries),
  };
}

/** A template trial without ONNX: the tiny nearest-centroid fixture on iris. */
export async function trainCentroid(dir: string, id: string): Promise<Trained> {
  const { TinyCentroid } = await import('../fixtures/templates/tiny-centroid.ts');
  const knobs = { temperature: 1, shrink: 0, metric: 'euclidean' };
  const data = await loadTabularDataset(join(FIXTURES, 'iris.csv'), { task: 'TABULAR_CLASSIFICATION' });
  const model = new TinyCentroid(knobs);
  await model.train(data, quiet);
  const paramsPath = join(dir, `${id}.params`);
  writeFileSync(paramsPath, encodeParams(model.dumpParameters()));
  return {
    trial: { trialId: id, template: { ...await deployableTemplate(join(FIXTURES, 'templates/tiny-centroid.ts')), className: 'TinyCentroid', knobs }, paramsPath, classes: data.classes },
    predict: (queries) => model.predict(queries as never),
  };
}

/** An untrained image classifier over 8×8 grey images (random weights: only shapes matter here). */
export async function imageTrial(dir: string, id: string, classes = ['cat', 'dog', 'eel']): Promise<DeployedTrial> {
  const shape = { height: 8, width: 8, channels: 1 as const };
  const net = createNetwork({ input: [8, 8, 1], layers: [{ type: 'flatten' }, { type: 'dense', units: classes.length }], loss: 'softmaxCrossEntropy' }, { seed: 3 });
  const onnxPath = join(dir, `${id}.onnx`);
  writeFileSync(onnxPath, net.toOnnx({ input: { kind: 'image', shape } }));
  return { trialId: id, onnxPath, template: { ...await deployableTemplate(join(ROOT, 'models/image_mlp.ts')), className: 'ImageMlp', knobs: {} }, paramsPath: join(dir, 'none'), classes };
}

export function frontendSpec(fields: Partial<FrontendSpec> & Pick<FrontendSpec, 'task' | 'trials'>): FrontendSpec {
  return {
    ...FRONTEND_DEFAULTS, jobId: `test-${crypto.randomUUID().slice(0, 8)}`, app: 'app', appVersion: 1, host: '127.0.0.1', port: 0,
    sandbox: services.sandboxed, workerLimits: { memoryBytes: 2 * 1024 ** 3, processes: 32 },
    auth: { publicKey: TEST_KEYS.publicKeyPem, ownerId: OWNER, banned: [] }, ...fields,
  };
}

export const IRIS_QUERIES = [
  { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
  [6.7, 3.0, 5.2, 2.3],
  { sepal_length: 5.9, sepal_width: 3.0, petal_length: 4.2, petal_width: 1.5 },
];

/** POST over HTTP/1.1 (fetch), with the owner's token unless `token` says another (null: none). */
export async function post(port: number, path: string, body: unknown, token: string | null = OWNER_TOKEN): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(token) }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

export async function get(port: number, path: string, token: string | null = OWNER_TOKEN): Promise<{ status: number; body: any; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: bearer(token) });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, body, text };
}

/** An HTTP/2 client session (h2c with prior knowledge, or h2 over TLS) that sends JSON requests. */
export function h2Client(url: string, options: http2.SecureClientSessionOptions = {}, token: string | null = OWNER_TOKEN) {
  const session = http2.connect(url, options);
  session.on('error', () => {});
  return {
    request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
      return new Promise((resolve, reject) => {
        const stream = session.request({ ':method': method, ':path': path, 'content-type': 'application/json', ...bearer(token) });
        let status = 0;
        const chunks: Buffer[] = [];
        stream.on('response', (headers) => {
          status = Number(headers[':status']);
        });
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          try {
            resolve({ status, body: JSON.parse(text) });
          } catch {
            resolve({ status, body: text });
          }
        });
        stream.on('error', reject);
        stream.end(body === undefined ? undefined : JSON.stringify(body));
      });
    },
    close: () => session.close(),
  };
}
