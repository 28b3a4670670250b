/**
 * A new train job: the task, the user's datasets of that task, the templates
 * available for it, every budget field with the API's default filled in, and for
 * tables which column is the target and which are features. The API checks it;
 * what it refuses is said at the form, in its words.
 */
import { useMemo, useState } from 'preact/hooks';
import { TASKS, TRAIN_BUDGET_DEFAULTS, TRAIN_BUDGET_KEYS, type Task, type TrainBudget } from '../../common/domain.ts';
import { useSession } from '../app-session.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../components/format.ts';
import { href, navigate } from '../router.tsx';
import { useAsync } from '../use-async.ts';
import './train-jobs.css';

const BUDGET_FIELDS: Record<(typeof TRAIN_BUDGET_KEYS)[number], { label: string; hint: string; step: string }> = {
  MODEL_TRIAL_COUNT: { label: 'Trials per template', hint: '−1 for no limit', step: '1' },
  TIME_HOURS: { label: 'Time limit (hours)', hint: 'for the whole job', step: 'any' },
  WORKER_COUNT: { label: 'Workers per template', hint: 'trials at once, 1 to 64', step: '1' },
  GPU_COUNT: { label: 'GPUs', hint: 'this Rafiki trains on CPUs', step: '1' },
};

export function NewTrainJob() {
  const { api } = useSession();
  const datasets = useAsync(() => api.getDatasets(), []);
  const models = useAsync(() => api.getAvailableModels(), []);
  const [chosenTask, setTask] = useState<Task | null>(null);
  const [trainId, setTrainId] = useState('');
  const [target, setTarget] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);

  // Until the user picks one, the task of their latest dataset.
  const newest = [...(datasets.data ?? [])].sort((a, b) => b.datetime_created.localeCompare(a.datetime_created))[0];
  const task: Task = chosenTask ?? newest?.task ?? TASKS[0];
  const ownDatasets = useMemo(() => (datasets.data ?? []).filter((d) => d.task === task), [datasets.data, task]);
  const templates = useMemo(() => (models.data ?? []).filter((m) => m.task === task), [models.data, task]);
  const train = ownDatasets.find((d) => d.id === trainId) ?? ownDatasets[0];
  const columns = task.startsWith('TABULAR') ? (train?.stats.columns ?? []) : [];

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const budget: TrainBudget = {};
    for (const key of TRAIN_BUDGET_KEYS) {
      const value = String(form.get(key) ?? '').trim();
      if (value !== '') budget[key] = Number(value);
    }
    const features = form.getAll('features').map(String);
    const trainArgs = {
      ...(form.get('target') ? { target: String(form.get('target')) } : {}),
      ...(features.length > 0 ? { features } : {}),
    };
    setError(null);
    setSending(true);
    try {
      const job = await api.createTrainJob({
        app: String(form.get('app')).trim(),
        task,
        trainDatasetId: String(form.get('train_dataset_id')),
        valDatasetId: String(form.get('val_dataset_id')),
        modelIds: form.getAll('model_ids').map(String),
        budget,
        ...(Object.keys(trainArgs).length > 0 ? { trainArgs } : {}),
      });
      navigate(href('train-jobs', job.app, job.app_version).slice(1));
    } catch (caught) {
      setError(caught);
      setSending(false);
    }
  };

  return (
    <section class="narrow">
      <p class="crumbs"><a href={href('train-jobs')}>Train jobs</a></p>
      <h1>New train job</h1>
      <ErrorNote error={datasets.error ?? models.error} />
      <form onSubmit={submit} aria-label="New train job" class="stacked">
        <label>App<input name="app" required autocomplete="off" placeholder="e.g. iris" aria-describedby="app-hint" /></label>
        <small id="app-hint" class="hint">A name for what you are building; each job of an app is a new version.</small>
        <label>Task
          <select name="task" value={task} onChange={(e) => {
            setTask((e.currentTarget as HTMLSelectElement).value as Task);
            setTrainId('');
            setTarget('');
          }}>
            {TASKS.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </label>

        {ownDatasets.length === 0 && !datasets.loading ? (
          <p class="notice">You have no {task} datasets. <a href="#/datasets">Upload one</a> first.</p>
        ) : (
          <div class="pair">
            <label>Training dataset
              <select name="train_dataset_id" required value={train?.id ?? ''} onChange={(e) => {
                setTrainId((e.currentTarget as HTMLSelectElement).value);
                setTarget('');
              }}>
                {ownDatasets.map((d) => <option key={d.id} value={d.id}>{d.name} ({formatTime(d.datetime_created)})</option>)}
              </select>
            </label>
            <label>Validation dataset
              <select name="val_dataset_id" required>
                {ownDatasets.map((d) => <option key={d.id} value={d.id}>{d.name} ({formatTime(d.datetime_created)})</option>)}
              </select>
            </label>
          </div>
        )}

        <fieldset>
          <legend>Templates</legend>
          {templates.length === 0 && !models.loading && <p class="notice">No template is available for {task}.</p>}
          <ul class="choices">
            {templates.map((m) => (
              <li key={m.id}>
                <label class="check">
                  <input type="checkbox" name="model_ids" value={m.id} />
                  <span>{m.name} <small class="hint">{m.model_class} · {m.access_right.toLowerCase()} · {Object.keys(m.knob_config).length} knobs</small></span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>

        <fieldset>
          <legend>Budget</legend>
          <div class="budget">
            {TRAIN_BUDGET_KEYS.map((key) => (
              <label key={key}>{BUDGET_FIELDS[key].label}
                <input name={key} type="number" step={BUDGET_FIELDS[key].step} defaultValue={String(TRAIN_BUDGET_DEFAULTS[key])} aria-describedby={`${key}-hint`} />
                <small id={`${key}-hint`} class="hint">{key}, default {TRAIN_BUDGET_DEFAULTS[key]}: {BUDGET_FIELDS[key].hint}</small>
              </label>
            ))}
          </div>
        </fieldset>

        {columns.length > 0 && (
          <fieldset>
            <legend>Columns</legend>
            <label>Target
              <select name="target" value={target} onChange={(e) => setTarget((e.currentTarget as HTMLSelectElement).value)}>
                <option value="">The last column ({columns.at(-1)})</option>
                {columns.map((c) => <option key={c} value={c}>{c}</option>)}
              </select>
            </label>
            <p class="hint" id="features-hint">Features: all columns but the target, unless you choose some.</p>
            <ul class="choices columns" aria-describedby="features-hint">
              {columns.filter((c) => c !== (target || columns.at(-1))).map((c) => (
                <li key={c}><label class="check"><input type="checkbox" name="features" value={c} /><span>{c}</span></label></li>
              ))}
            </ul>
          </fieldset>
        )}

        <ErrorNote error={error} />
        <div><button type="submit" disabled={sending}>{sending ? 'Starting…' : 'Start train job'}</button></div>
      </form>
    </section>
  );
}
