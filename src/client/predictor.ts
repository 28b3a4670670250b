/**
 * Queries to a deployed inference job over one reused HTTP/2 session (h2c with
 * prior knowledge, or h2 over TLS for an https:// address): Rafiki's /predict and
 * the KServe v2 infer call.
 */
import http2 from 'node:http2';
import type { LabelledPrediction, PredictAnswer, PredictBatchAnswer, PredictionValue } from '../common/protocols/predict.ts';
import { RafikiClientError } from './errors.ts';

/** An input tensor: numbers, or for a tabular model's features, BYTES text (null for a missing value). */
export interface V2Tensor { name: string; shape: number[]; datatype: string; data: (number | string | null)[] }
/** An output tensor: a classifier's `probabilities` and a regression's `predictions` (FP32), or a classifier's `labels` (BYTES). */
export type V2Output =
  | { name: string; shape: number[]; datatype: 'FP32'; data: number[] }
  | { name: string; shape: number[]; datatype: 'BYTES'; data: string[] };
export interface V2InferResponse { model_name: string; model_version?: string; id?: string; parameters?: { partial?: boolean }; outputs: V2Output[] }

/** Options of one prediction call. */
export interface PredictOptions {
  /** Answer with what has arrived after this many milliseconds (the job's default otherwise). */
  deadlineMs?: number;
}

/**
 * A deployed inference job's predictor, over HTTP/2 (one session, reused): Rafiki's `/predict`
 * and the KServe v2 infer call. {@link Client.predict} keeps one per host.
 */
export class Predictor {
  private session: http2.ClientHttp2Session | undefined;

  /**
   * `host` is an inference job's `predictor_host` (host:port), or a full http:// or https:// URL;
   * `token` answers the user's token, which every request but health checks needs.
   */
  constructor(readonly host: string, private readonly token: () => string | undefined, private readonly tls: http2.SecureClientSessionOptions = {}) {}

  private get url(): string {
    return /^https?:\/\//.test(this.host) ? this.host : `http://${this.host}`;
  }

  private connect(): http2.ClientHttp2Session {
    if (!this.session || this.session.closed || this.session.destroyed) {
      this.session = http2.connect(this.url, this.tls);
      // A broken session is dropped and the next request connects again.
      this.session.on('error', () => this.session?.destroy());
    }
    return this.session;
  }

  private request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const token = this.token();
      const stream = this.connect().request({ ':method': method, ':path': path, 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });
      let status = 0;
      const chunks: Buffer[] = [];
      stream.on('response', (headers) => {
        status = Number(headers[':status']);
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => reject(new RafikiClientError(0, 'NETWORK', `cannot reach the predictor at ${this.host}: ${error.message}`)));
      stream.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
        if (status >= 200 && status < 300) return resolve(parsed as T);
        const error = (parsed as { error?: unknown }).error;
        const message = typeof error === 'string' ? error : typeof error === 'object' && error ? String((error as { message?: unknown }).message) : text;
        const code = status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'FORBIDDEN' : status === 503 ? 'UNAVAILABLE' : status === 504 ? 'TIMEOUT' : status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
        reject(new RafikiClientError(status, code, message));
      });
      stream.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  /** One query's prediction: probabilities per class, or a number. */
  async predict(query: unknown, options: PredictOptions = {}): Promise<PredictionValue> {
    return (await this.predictLabelled(query, options)).prediction;
  }

  /** Several queries' predictions, in order. */
  async predictBatch(queries: unknown[], options: PredictOptions = {}): Promise<PredictionValue[]> {
    return (await this.request<PredictBatchAnswer>('POST', '/predict', this.body({ queries }, options))).predictions;
  }

  /** One query's prediction with, for a classification, its most probable class and that class's probability. */
  async predictLabelled(query: unknown, options: PredictOptions = {}): Promise<LabelledPrediction> {
    const { prediction, label, label_probability } = await this.request<PredictAnswer>('POST', '/predict', this.body({ query }, options));
    return label === undefined ? { prediction } : { prediction, label, label_probability };
  }

  /** Several queries' predictions with their labels, in order. */
  async predictBatchLabelled(queries: unknown[], options: PredictOptions = {}): Promise<LabelledPrediction[]> {
    const { predictions, labels, label_probabilities } = await this.request<PredictBatchAnswer>('POST', '/predict', this.body({ queries }, options));
    return predictions.map((prediction, i) => (labels ? { prediction, label: labels[i]!, label_probability: label_probabilities![i]! } : { prediction }));
  }

  private body(payload: { query: unknown } | { queries: unknown[] }, options: PredictOptions) {
    return { ...payload, ...(options.deadlineMs ? { deadline_ms: options.deadlineMs } : {}) };
  }

  /** The KServe v2 / Open Inference Protocol infer call; `model` is the job's app. */
  inferV2(model: string, inputs: V2Tensor[]): Promise<V2InferResponse> {
    return this.request('POST', `/v2/models/${encodeURIComponent(model)}/infer`, { inputs });
  }

  /** Closes the HTTP/2 session. */
  close(): void {
    this.session?.close();
    this.session = undefined;
  }
}
