/**
 * A trial: its knobs, status, score and duration, its error, its learning curve
 * with the early stopper's decisions, the plots its template defined, drawn from
 * what it logged, and its messages (a failed trial's stack is among them). Live
 * while it runs, like its job's page.
 */
import { useEffect } from 'preact/hooks';
import type { TrialJson } from '../../admin/schemas/train-jobs.ts';
import type { Knob, KnobConfig } from '../../model/knobs.ts';
import { trialLabel } from '../analysis/trial-series.ts';
import { useSession } from '../app-session.ts';
import { LearningCurvesChart } from '../components/charts/learning-curves-chart.tsx';
import { MetricPlot } from '../components/charts/metric-plot.tsx';
import { DataTable } from '../components/data-table.tsx';
import { ErrorNote } from '../components/error-note.tsx';
import { Elapsed } from '../components/elapsed.tsx';
import { formatKnob, formatScore, formatTime } from '../components/format.ts';
import { Status } from '../components/status.tsx';
import { href } from '../router.tsx';
import { useAsync } from '../use-async.ts';
import { useTrainJobFeed } from '../use-train-job-feed.ts';
import './train-jobs.css';

/** While the trial runs, its logs are read again this often (they are not in the job's feed). */
const LOGS_POLL_MS = 2_000;

export function Trial({ id }: { id: string }) {
  const { api } = useSession();
  const trial = useAsync(() => api.getTrial(id), [id]);
  if (!trial.data) {
    return (
      <section>
        <p class="crumbs"><a href={href('train-jobs')}>Train jobs</a></p>
        <h1>Trial</h1>
        {trial.loading ? <p class="hint">Loading…</p> : <ErrorNote error={trial.error} />}
      </section>
    );
  }
  return <TrialPage first={trial.data} />;
}

function TrialPage({ first }: { first: TrialJson }) {
  const { api } = useSession();
  const feed = useTrainJobFeed(first.app, first.app_version);
  const trial = feed.trials.find((t) => t.id === first.id) ?? first;
  const reports = feed.reports.filter((r) => r.trial_id === trial.id);
  const running = trial.status === 'RUNNING' || trial.status === 'PENDING';
  const logs = useAsync(() => api.getTrialLogs(trial.id), [trial.id, trial.status]);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(logs.reload, LOGS_POLL_MS);
    return () => clearInterval(timer);
  }, [running, logs.reload]);
  const config = useAsync(() => api.getModel(trial.model_id).then((m) => m.knob_config as KnobConfig), [trial.model_id]);

  return (
    <section>
      <p class="crumbs">
        <a href={href('train-jobs')}>Train jobs</a> / <a href={href('train-jobs', trial.app, trial.app_version)}>{trial.app} v{trial.app_version}</a>
      </p>
      <div class="page-head">
        <h1>{trialLabel(trial)}</h1>
        <Status status={trial.status} />
      </div>
      {trial.error && <p class="error" role="alert"><strong>Error:</strong> {trial.error}</p>}
      {trial.error_stack && (
        <details class="stack">
          <summary>Where the template failed (its stack)</summary>
          <pre tabIndex={0}>{trial.error_stack}</pre>
        </details>
      )}
      <ErrorNote error={feed.error} />

      <div class="split">
        <dl class="facts">
          <dt>Job</dt><dd><a href={href('train-jobs', trial.app, trial.app_version)}>{trial.app} v{trial.app_version}</a></dd>
          <dt>Template</dt><dd>{trial.model_name}</dd>
          <dt>Score</dt><dd>{formatScore(trial.score)}</dd>
          <dt>Duration</dt><dd><Elapsed from={trial.datetime_started} to={trial.datetime_stopped} /></dd>
          <dt>Started</dt><dd>{formatTime(trial.datetime_started)}</dd>
          <dt>Stopped</dt><dd>{formatTime(trial.datetime_stopped)}</dd>
        </dl>
        <div class="knobs-table">
          <DataTable<[string, Knob | undefined, TrialJson['knobs'][string]]>
            caption="Knobs"
            rows={Object.entries(trial.knobs).map(([name, value]) => [name, config.data?.[name], value])}
            rowKey={([name]) => name}
            columns={[
              { key: 'knob', label: 'Knob', value: ([name]) => name },
              { key: 'value', label: 'Value', value: ([, , value]) => value, render: ([, , value]) => formatKnob(value), numeric: true },
              { key: 'range', label: 'Searched over', render: ([, knob]) => rangeText(knob) },
            ]}
          />
        </div>
      </div>

      <div class="charts">
        {(running || reports.length > 0) && <LearningCurvesChart trials={[trial]} reports={reports} single />}
        {(logs.data?.plots ?? []).map((plot) => <MetricPlot key={plot.title} plot={plot} metrics={logs.data!.metrics} />)}
      </div>
      <ErrorNote error={logs.error} />

      <h2>Messages</h2>
      {logs.data && logs.data.messages.length === 0 ? <p class="hint">No messages.</p> : (
        <ol class="messages" aria-label="Messages">
          {(logs.data?.messages ?? []).map((m, i) => (
            <li key={i}><time dateTime={m.time}>{new Date(m.time).toLocaleTimeString()}</time><pre>{m.message}</pre></li>
          ))}
        </ol>
      )}
    </section>
  );
}

function rangeText(knob: Knob | undefined): string {
  if (!knob) return '—';
  switch (knob.type) {
    case 'fixed': return `fixed at ${formatKnob(knob.value)}`;
    case 'categorical': return knob.values.map(formatKnob).join(', ');
    default: return `${knob.type} ${formatKnob(knob.min)} to ${formatKnob(knob.max)}${knob.log ? ', log scale' : ''}`;
  }
}
