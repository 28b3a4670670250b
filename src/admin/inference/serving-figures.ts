/**
 * A predictor's Prometheus metrics (src/frontend/metrics.ts) read into the
 * figures the dashboard shows: answers by status, the latency and batch-size
 * histograms, errors. They are counts since the frontend started; the
 * dashboard turns two readings into rates and quantiles over the time between them.
 */

/** Cumulative histogram: `buckets` are [upper bound, count ≤ bound] for finite bounds; `count` is the total. */
export interface Histogram { buckets: [number, number][]; sum: number; count: number }

export interface ServingFigures {
  /** Predictions answered (the /predict and v2 infer endpoints), by HTTP status. */
  answers: Record<string, number>;
  errors: number;
  latencySeconds: Histogram;
  batchSize: Histogram;
}

const PREDICTING = new Set(['predict', 'v2_infer']);

interface Sample { name: string; labels: Record<string, string>; value: number }

/** One sample per line of the text exposition format; comments and blank lines skipped. */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!.replace(/\\(.)/g, '$1');
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

function histogram(samples: Sample[], name: string, keep: (labels: Record<string, string>) => boolean): Histogram {
  const buckets = new Map<number, number>();
  let sum = 0;
  let count = 0;
  for (const s of samples) {
    if (!keep(s.labels)) continue;
    if (s.name === `${name}_bucket`) {
      const bound = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      buckets.set(bound, (buckets.get(bound) ?? 0) + s.value);
    } else if (s.name === `${name}_sum`) sum += s.value;
    else if (s.name === `${name}_count`) count += s.value;
  }
  return { buckets: [...buckets].filter(([bound]) => Number.isFinite(bound)).sort((a, b) => a[0] - b[0]), sum, count };
}

export function servingFigures(metricsText: string): ServingFigures {
  const samples = parsePrometheus(metricsText);
  const answers: Record<string, number> = {};
  let errors = 0;
  for (const s of samples) {
    if (!PREDICTING.has(s.labels.endpoint ?? '')) continue;
    if (s.name === 'rafiki_frontend_requests_total') answers[s.labels.status!] = (answers[s.labels.status!] ?? 0) + s.value;
    if (s.name === 'rafiki_frontend_errors_total') errors += s.value;
  }
  return {
    answers,
    errors,
    latencySeconds: histogram(samples, 'rafiki_frontend_request_duration_seconds', (l) => PREDICTING.has(l.endpoint ?? '')),
    batchSize: histogram(samples, 'rafiki_frontend_batch_size', () => true),
  };
}
