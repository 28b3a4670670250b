/** Inference jobs: the user's deployments with their status and address, and a form to deploy a stopped train job. */
import { useState } from 'preact/hooks';
import type { InferenceJobJson } from '../../admin/schemas/inference-jobs.ts';
import { useSession } from '../app-session.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../components/format.ts';
import { Status } from '../components/status.tsx';
import { href, navigate } from '../router.tsx';
import { useAsync } from '../use-async.ts';

export function InferenceJobs() {
  const { api } = useSession();
  const jobs = useAsync(() => api.getInferenceJobs(), []);
  const trainJobs = useAsync(() => api.getTrainJobs(), []);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // An ended job, STOPPED or ERRORED; the Admin says why when none of its trials completed.
  const deployable = (trainJobs.data ?? []).filter((j) => j.status === 'STOPPED' || j.status === 'ERRORED');

  const deploy = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const [app, version] = JSON.parse(String(form.get('train_job'))) as [string, number];
    const modelCount = String(form.get('model_count'));
    setBusy(true);
    setError(null);
    try {
      const job = await api.createInferenceJob(app, version, {
        REPLICA_COUNT: Number(form.get('replica_count')),
        ...(modelCount ? { MODEL_COUNT: Number(modelCount) } : {}),
      });
      navigate(href('inference-jobs', job.app, job.app_version).slice(1));
    } catch (caught) {
      setError(caught);
      jobs.reload();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>Inference jobs</h1>
      <form class="inline-form" onSubmit={deploy} aria-label="Deploy a train job">
        <label>Train job
          <select name="train_job" required>
            {deployable.map((j) => <option key={j.id} value={JSON.stringify([j.app, j.app_version])}>{j.app} v{j.app_version}</option>)}
          </select>
        </label>
        <label>Models (MODEL_COUNT)<input name="model_count" type="number" min={1} max={20} placeholder="best of each template" /></label>
        <label>Replicas (REPLICA_COUNT)<input name="replica_count" type="number" min={1} max={16} value={1} required /></label>
        <button type="submit" disabled={busy || deployable.length === 0}>{busy ? 'Deploying…' : 'Deploy'}</button>
      </form>
      {trainJobs.data && deployable.length === 0 && <p class="notice">No stopped train job to deploy yet.</p>}
      <ErrorNote error={error ?? jobs.error ?? trainJobs.error} />
      <DataTable<InferenceJobJson>
        caption="Inference jobs"
        rows={jobs.data ?? []}
        rowKey={(j) => j.id}
        initialSort={{ key: 'started', descending: true }}
        empty={jobs.loading ? 'Loading…' : 'No inference jobs yet.'}
        columns={[
          { key: 'app', label: 'App', value: (j) => `${j.app} v${j.app_version}`, render: (j) => <a href={href('inference-jobs', j.app, j.app_version)}>{j.app} v{j.app_version}</a> },
          { key: 'status', label: 'Status', value: (j) => j.status, render: (j) => <Status status={j.status} /> },
          { key: 'predictor', label: 'Predictor', value: (j) => j.predictor_host ?? '' },
          { key: 'models', label: 'Models', value: (j) => j.trial_ids.length, numeric: true },
          { key: 'started', label: 'Started', value: (j) => j.datetime_started, render: (j) => formatTime(j.datetime_started) },
          { key: 'stopped', label: 'Stopped', value: (j) => j.datetime_stopped, render: (j) => formatTime(j.datetime_stopped) },
        ]}
      />
    </section>
  );
}
