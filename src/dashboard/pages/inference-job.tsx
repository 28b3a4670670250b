/** One app version's latest inference job: its address, and while it runs its live serving figures, a try-it panel, and stop. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ServingFiguresJson } from '../../admin/schemas/inference-jobs.ts';
import { useSession } from '../app-session.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../components/format.ts';
import { Status } from '../components/status.tsx';
import { TryIt } from '../components/try-it.tsx';
import { rates, type Rates } from '../serving-rates.ts';
import { useAsync } from '../use-async.ts';

const EVERY_MS = 2_000;
const figure = (value: number | null, digits: number, unit = '') => (value === null ? '—' : `${value.toFixed(digits)}${unit}`);

function ServingFigures({ app, version }: { app: string; version: number }) {
  const { api, expired } = useSession();
  const [latest, setLatest] = useState<Rates | null>(null);
  const [totals, setTotals] = useState<ServingFiguresJson | null>(null);
  const [error, setError] = useState<unknown>(null);
  const previous = useRef<{ at: number; figures: ServingFiguresJson } | null>(null);
  useEffect(() => {
    let on = true;
    const read = async () => {
      try {
        const figures = await api.getServingFigures(app, version);
        const at = performance.now();
        if (!on) return;
        if (previous.current) setLatest(rates(previous.current.figures, figures, (at - previous.current.at) / 1000));
        previous.current = { at, figures };
        setTotals(figures);
        setError(null);
      } catch (caught) {
        if (on && !expired(caught)) setError(caught);
      }
    };
    void read();
    const timer = setInterval(read, EVERY_MS);
    return () => {
      on = false;
      clearInterval(timer);
    };
  }, [app, version]);
  const answered = totals ? Object.values(totals.answers).reduce((a, b) => a + b, 0) : null;
  return (
    <section class="card" aria-labelledby="serving">
      <h2 id="serving">Serving, over the last {EVERY_MS / 1000} s</h2>
      <ErrorNote error={error} />
      <dl class="facts figures">
        <dt>Requests per second</dt><dd>{figure(latest?.requestsPerSecond ?? null, 1)}</dd>
        <dt>Latency p50</dt><dd>{figure(latest?.p50Ms ?? null, 1, ' ms')}</dd>
        <dt>Latency p99</dt><dd>{figure(latest?.p99Ms ?? null, 1, ' ms')}</dd>
        <dt>Mean batch size</dt><dd>{figure(latest?.meanBatchSize ?? null, 1)}</dd>
        <dt>Errors per second</dt><dd>{figure(latest?.errorsPerSecond ?? null, 2)}</dd>
        <dt>Answered since start</dt><dd>{answered ?? '—'}{totals && totals.errors > 0 ? ` (${totals.errors} errors)` : ''}</dd>
      </dl>
    </section>
  );
}

export function InferenceJob({ app, version }: Record<string, string>) {
  const { api } = useSession();
  const appVersion = Number(version);
  const job = useAsync(async () => {
    const ofVersion = (await api.getInferenceJobs({ app: app! })).filter((j) => j.app_version === appVersion);
    const latest = ofVersion.sort((a, b) => b.datetime_started.localeCompare(a.datetime_started))[0];
    if (!latest) throw new Error(`${app} v${version} has no inference job`);
    return latest;
  }, [app, version]);
  const running = job.data?.status === 'RUNNING';
  const model = useAsync(() => (running ? api.getInferenceJobModel(app!, appVersion) : Promise.resolve(null)), [app, version, running]);
  const [error, setError] = useState<unknown>(null);

  const stop = async () => {
    if (!confirm(`Stop the inference job of ${app} v${version}? Its predictor stops answering.`)) return;
    try {
      await api.stopInferenceJob(app!, appVersion);
      job.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section>
      <h1>Inference job: {app} v{version}</h1>
      <ErrorNote error={error ?? job.error} />
      {job.data && (
        <>
          <dl class="facts">
            <dt>Status</dt><dd><Status status={job.data.status} /></dd>
            <dt>Predictor</dt><dd><code>{job.data.predictor_host ?? '—'}</code> (POST /predict with your token; KServe v2 under /v2)</dd>
            {job.data.predictor_hosts.length > 1 && <><dt>Other frontends</dt><dd>{job.data.predictor_hosts.slice(1).map((host) => <code key={host}>{host} </code>)}</dd></>}
            <dt>Models</dt><dd>{job.data.trial_ids.length} trial{job.data.trial_ids.length === 1 ? '' : 's'}, {job.data.budget.REPLICA_COUNT} replica(s) each</dd>
            <dt>Started</dt><dd>{formatTime(job.data.datetime_started)}</dd>
            {job.data.datetime_stopped && <><dt>Stopped</dt><dd>{formatTime(job.data.datetime_stopped)}</dd></>}
            {job.data.error && <><dt>Error</dt><dd class="error">{job.data.error}</dd></>}
          </dl>
          {running && <button type="button" class="danger" onClick={stop}>Stop</button>}
          {running && (
            <div class="cards">
              <ServingFigures app={app!} version={appVersion} />
              {model.data && <TryIt model={model.data} predict={(query) => api.predictThroughAdmin(app!, appVersion, query)} />}
              <ErrorNote error={model.error} />
            </div>
          )}
        </>
      )}
    </section>
  );
}
