/**
 * A train job, live: its state and budget, the optimisation history, every
 * trial's learning curve with the early stopper's decisions, parallel coordinates
 * and knob importance of a template's knobs, the best trial, and every trial in a
 * sortable table that links to its page. The charts and the table keep their
 * size while trials stream in. A running job can be stopped from here.
 */
import { Fragment } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { TrainJobJson, TrialJson } from '../../admin/schemas/train-jobs.ts';
import type { KnobConfig } from '../../model/knobs.ts';
import { bestTrial, trialLabel } from '../analysis/trial-series.ts';
import { useSession } from '../app-session.ts';
import { HistoryChart } from '../components/charts/history-chart.tsx';
import { ImportanceChart } from '../components/charts/importance-chart.tsx';
import { LearningCurvesChart } from '../components/charts/learning-curves-chart.tsx';
import { ParallelCoordinates } from '../components/charts/parallel-coordinates.tsx';
import { DataTable, type Column } from '../components/data-table.tsx';
import { ErrorNote } from '../components/error-note.tsx';
import { Elapsed, elapsedMs } from '../components/elapsed.tsx';
import { formatKnob, formatScore, formatTime } from '../components/format.ts';
import { Status } from '../components/status.tsx';
import { href } from '../router.tsx';
import { useAsync } from '../use-async.ts';
import { useTrainJobFeed } from '../use-train-job-feed.ts';
import { isActive } from './train-jobs.tsx';
import './train-jobs.css';

export function TrainJob({ app, version }: { app: string; version: string }) {
  const appVersion = Number(version);
  if (!Number.isInteger(appVersion)) return <p class="error" role="alert">There is no version {version}; a version is a whole number.</p>;
  return <TrainJobPage app={app} appVersion={appVersion} />;
}

function TrainJobPage({ app, appVersion }: { app: string; appVersion: number }) {
  const { api } = useSession();
  const feed = useTrainJobFeed(app, appVersion);
  // The feed's job has no sub-jobs: they are read again whenever the job's status changes.
  const details = useAsync(() => api.getTrainJob(app, appVersion), [app, appVersion, feed.job?.status]);
  const job: TrainJobJson | undefined = feed.job ?? details.data;
  const subJobs = details.data?.sub_train_jobs ?? [];
  const modelIds = subJobs.map((s) => s.model_id).join(',');
  const configs = useAsync(async () => {
    const found = await Promise.all(subJobs.map((s) => api.getModel(s.model_id).then((m) => [s.model_id, m.knob_config as KnobConfig] as const, () => null)));
    return new Map(found.filter((f) => f !== null));
  }, [modelIds]);
  const datasets = useAsync(() => api.getDatasets(), []);
  const [stopping, setStopping] = useState(false);
  const [stopError, setStopError] = useState<unknown>(null);
  const [chosenModel, setChosenModel] = useState<string | null>(null);

  const trials = feed.trials;
  const best = bestTrial(trials);
  const templates = (subJobs.length > 0
    ? subJobs.map((s) => ({ id: s.model_id, name: s.model_name }))
    : [...new Map(trials.map((t) => [t.model_id, { id: t.model_id, name: t.model_name }])).values()]
  ).sort((a, b) => a.name.localeCompare(b.name));
  const modelId = chosenModel ?? templates[0]?.id;
  const ofModel = useMemo(() => trials.filter((t) => t.model_id === modelId), [trials, modelId]);
  const templateName = templates.find((t) => t.id === modelId)?.name ?? '';
  const config = modelId ? configs.data?.get(modelId) : undefined;
  const knobNames = [...new Set([...Object.keys(config ?? {}), ...ofModel.flatMap((t) => Object.keys(t.knobs))])];

  const stop = async () => {
    if (!confirm(`Stop train job ${app} v${job?.app_version ?? appVersion}? Running trials end now; finished ones are kept.`)) return;
    setStopError(null);
    setStopping(true);
    try {
      await api.stopTrainJob(app, appVersion);
      details.reload();
    } catch (caught) {
      setStopError(caught);
    } finally {
      setStopping(false);
    }
  };

  const counts = countByStatus(trials);
  const datasetName = (id: string) => datasets.data?.find((d) => d.id === id)?.name ?? id;

  return (
    <section>
      <p class="crumbs"><a href={href('train-jobs')}>Train jobs</a></p>
      <div class="page-head">
        <h1>{app} <span class="version">v{job?.app_version ?? appVersion}</span></h1>
        {job && <Status status={job.status} />}
        <span class="live" aria-live="polite">{feed.live ? 'Live' : job && !isActive(job) ? '' : 'Connecting…'}</span>
        {job && isActive(job) && (
          <button type="button" class="danger push-right" onClick={stop} disabled={stopping}>{stopping ? 'Stopping…' : 'Stop'}</button>
        )}
      </div>
      <ErrorNote error={stopError} />
      <ErrorNote error={feed.error ?? details.error} />
      {job?.error && <p class="error" role="alert">The job failed: {job.error}</p>}
      {subJobs.filter((s) => s.error).map((s) => <p key={s.id} class="error" role="alert">{s.model_name}: {s.error}</p>)}

      <dl class="facts columns-2">
        <dt>Task</dt><dd>{job?.task ?? '…'}</dd>
        <dt>Datasets</dt><dd>{job ? `${datasetName(job.train_dataset_id)} (training), ${datasetName(job.val_dataset_id)} (validation)` : '…'}</dd>
        <dt>Templates</dt>
        <dd>{subJobs.length === 0 ? '…' : subJobs.map((s, i) => <span key={s.id}>{i > 0 && ', '}{s.model_name} <Status status={s.status} /></span>)}</dd>
        <dt>Budget</dt><dd>{job ? budgetText(job) : '…'}</dd>
        <dt>Started</dt><dd>{job ? formatTime(job.datetime_started) : '…'}</dd>
        <dt>Duration</dt><dd>{job ? <Elapsed from={job.datetime_started} to={job.datetime_stopped} /> : '…'}</dd>
        <dt>Trials</dt><dd>{counts}</dd>
        <dt>Best</dt><dd>{best ? <>{formatScore(best.score)} — <a href={href('trials', best.id)}>{trialLabel(best)}</a></> : '—'}</dd>
      </dl>

      <div class="charts">
        <HistoryChart trials={trials} />
        <LearningCurvesChart trials={trials} reports={feed.reports} />
        <label class="template-choice">Knobs of the template
          <select value={modelId} onChange={(e) => setChosenModel((e.currentTarget as HTMLSelectElement).value)} disabled={templates.length < 2}>
            {templates.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
        </label>
        <ParallelCoordinates trials={ofModel} config={config} template={templateName} />
        <ImportanceChart trials={ofModel} config={config} template={templateName} />
        <BestTrial trial={bestTrial(ofModel)} template={templateName} knobs={knobNames} />
      </div>

      <h2>Trials</h2>
      <div class="trials-table">
        <DataTable<TrialJson>
          caption={`Trials of ${app} v${appVersion}`}
          rows={trials}
          rowKey={(t) => t.id}
          initialSort={{ key: 'started', descending: true }}
          empty={feed.live || !job ? 'No trials yet.' : 'This job ran no trials.'}
          columns={trialColumns(trials)}
        />
      </div>
    </section>
  );
}

function countByStatus(trials: TrialJson[]): string {
  if (trials.length === 0) return 'none yet';
  const by = new Map<string, number>();
  for (const t of trials) by.set(t.status, (by.get(t.status) ?? 0) + 1);
  const words: Record<string, string> = { COMPLETED: 'completed', RUNNING: 'running', PENDING: 'pending', TERMINATED: 'stopped early', ERRORED: 'errored' };
  return [...by].map(([status, n]) => `${n} ${words[status] ?? status.toLowerCase()}`).join(' · ');
}

function budgetText(job: TrainJobJson): string {
  const b = job.budget;
  const trials = b.MODEL_TRIAL_COUNT === undefined || b.MODEL_TRIAL_COUNT < 0 ? 'no trial limit' : `${b.MODEL_TRIAL_COUNT} trials per template`;
  return `${trials} · ${b.TIME_HOURS} h · ${b.WORKER_COUNT} worker${b.WORKER_COUNT === 1 ? '' : 's'} per template · ${b.GPU_COUNT} GPU`;
}

/** The trial, its status, score and duration, then a column per knob (of every template in the job). */
function trialColumns(trials: TrialJson[]): Column<TrialJson>[] {
  const knobs = [...new Set(trials.flatMap((t) => Object.keys(t.knobs)))];
  return [
    { key: 'trial', label: 'Trial', value: trialLabel, render: (t) => <a href={href('trials', t.id)}>{trialLabel(t)}</a> },
    { key: 'status', label: 'Status', value: (t) => t.status, render: (t) => <Status status={t.status} /> },
    { key: 'score', label: 'Score', value: (t) => t.score, render: (t) => formatScore(t.score), numeric: true },
    { key: 'duration', label: 'Duration', value: (t) => elapsedMs(t.datetime_started, t.datetime_stopped), render: (t) => <Elapsed from={t.datetime_started} to={t.datetime_stopped} />, numeric: true },
    { key: 'started', label: 'Started', value: (t) => t.datetime_started, render: (t) => new Date(t.datetime_started).toLocaleTimeString() },
    ...knobs.map((knob): Column<TrialJson> => ({
      key: `knob:${knob}`,
      label: knob,
      value: (t) => t.knobs[knob],
      render: (t) => formatKnob(t.knobs[knob]),
      numeric: trials.every((t) => t.knobs[knob] === undefined || typeof t.knobs[knob] === 'number'),
    })),
  ];
}

/** The best completed trial of a template and its knobs; a row for each knob from the start, so the card keeps its height. */
function BestTrial({ trial, template, knobs }: { trial: TrialJson | null; template: string; knobs: string[] }) {
  return (
    <section class="card best-trial" aria-labelledby="best-heading">
      <h2 id="best-heading">Best trial{template ? ` of ${template}` : ''}</h2>
      <p>{trial ? <><a href={href('trials', trial.id)}>{trialLabel(trial)}</a>, score <strong>{formatScore(trial.score)}</strong></> : 'No completed trial yet.'}</p>
      <dl class="facts">
        {knobs.map((knob) => <Fragment key={knob}><dt>{knob}</dt><dd>{formatKnob(trial?.knobs[knob])}</dd></Fragment>)}
      </dl>
    </section>
  );
}
