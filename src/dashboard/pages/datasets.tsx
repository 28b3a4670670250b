/** Datasets: the user's datasets; upload one with a progress bar (the Admin checks it before answering); delete one. */
import { useState } from 'preact/hooks';
import { TASKS } from '../../common/domain.ts';
import type { DatasetJson } from '../../admin/schemas/datasets.ts';
import { useSession } from '../app-session.ts';
import { DataTable } from '../components/data-table.tsx';
import { DeleteDataset, describeStats } from '../components/dataset-actions.tsx';
import { ErrorNote } from '../components/error-note.tsx';
import { formatBytes, formatTime } from '../components/format.ts';
import { UploadProgress } from '../components/upload-progress.tsx';
import { href } from '../router.tsx';
import { useAsync } from '../use-async.ts';
import { useUpload } from '../use-upload.ts';

export function Datasets() {
  const { api } = useSession();
  const datasets = useAsync(() => api.getDatasets(), []);
  const [error, setError] = useState<unknown>(null);
  return (
    <section>
      <h1>Datasets</h1>
      <UploadDataset onUploaded={datasets.reload} />
      <h2>Your datasets</h2>
      <ErrorNote error={datasets.error ?? error} />
      <DataTable<DatasetJson>
        caption="Your datasets"
        rows={datasets.data ?? []}
        rowKey={(d) => d.id}
        initialSort={{ key: 'created', descending: true }}
        empty={datasets.loading ? 'Loading…' : 'No datasets yet.'}
        columns={[
          { key: 'name', label: 'Name', value: (d) => d.name, render: (d) => <a href={href('datasets', d.id)}>{d.name}</a> },
          { key: 'task', label: 'Task', value: (d) => d.task },
          { key: 'size', label: 'Size', value: (d) => d.size_bytes, render: (d) => formatBytes(d.size_bytes), numeric: true },
          { key: 'holds', label: 'Holds', value: (d) => d.stats.rows ?? d.stats.images, render: (d) => describeStats(d) },
          { key: 'classes', label: 'Classes', value: (d) => d.stats.classes.length, numeric: true },
          { key: 'created', label: 'Uploaded', value: (d) => d.datetime_created, render: (d) => formatTime(d.datetime_created) },
          { key: 'actions', label: 'Actions', render: (d) => <DeleteDataset dataset={d} onError={setError} onDeleted={datasets.reload} /> },
        ]}
      />
    </section>
  );
}

function UploadDataset({ onUploaded }: { onUploaded: () => void }) {
  const sending = useUpload<DatasetJson>();
  const [stored, setStored] = useState<DatasetJson | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    setStored(null);
    const dataset = await sending.send('/datasets', new FormData(form));
    if (!dataset) return;
    setStored(dataset);
    form.reset();
    onUploaded();
  };
  return (
    <>
      <form class="upload-form" onSubmit={submit} aria-label="Upload a dataset">
        <label>Name<input name="name" required maxLength={200} /></label>
        <label>Task<select name="task" required>{TASKS.map((t) => <option key={t} value={t}>{t}</option>)}</select></label>
        <label class="wide">File (a CSV with a header, or a zip of images with images.csv)<input name="dataset" type="file" accept=".csv,.zip,text/csv,application/zip" required /></label>
        <button type="submit" disabled={sending.busy}>{sending.busy ? 'Uploading…' : 'Upload and check'}</button>
      </form>
      <UploadProgress label="Dataset upload" progress={sending.progress} />
      <ErrorNote error={sending.error} />
      {stored && (
        <p class="notice" role="status">
          {stored.name} was stored: {describeStats(stored)}. <a href={href('datasets', stored.id)}>Preview {stored.name}</a>
        </p>
      )}
    </>
  );
}
