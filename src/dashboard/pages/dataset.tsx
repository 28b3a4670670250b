/** One dataset: what the check found, its preview (first rows and column types, or class counts and thumbnails), its deletion. */
import { useState } from 'preact/hooks';
import { useSession } from '../app-session.ts';
import { DatasetPreview } from '../components/dataset-preview.tsx';
import { DeleteDataset, describeStats } from '../components/dataset-actions.tsx';
import { ErrorNote } from '../components/error-note.tsx';
import { formatBytes, formatTime } from '../components/format.ts';
import { navigate } from '../router.tsx';
import { useAsync } from '../use-async.ts';

const SHOWN_CLASSES = 20;

function classList(classes: string[]): string {
  if (classes.length === 0) return 'none (a regression target)';
  const more = classes.length - SHOWN_CLASSES;
  return classes.slice(0, SHOWN_CLASSES).join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/** At `#/datasets/:id`: the router gives `id`. */
export function Dataset(params: Record<string, string>) {
  const id = params.id!;
  const { api } = useSession();
  const dataset = useAsync(() => api.getDataset(id), [id]);
  const preview = useAsync(() => api.getDatasetPreview(id), [id]);
  const [error, setError] = useState<unknown>(null);
  const d = dataset.data;
  return (
    <section>
      <p><a href="#/datasets">← Datasets</a></p>
      <h1>{d ? d.name : 'Dataset'}</h1>
      <ErrorNote error={dataset.error ?? error} />
      {d && (
        <>
          <dl class="facts">
            <dt>Task</dt><dd>{d.task}</dd>
            <dt>Holds</dt><dd>{describeStats(d)}</dd>
            <dt>Classes</dt><dd>{classList(d.stats.classes)}</dd>
            <dt>Size</dt><dd>{formatBytes(d.size_bytes)}</dd>
            <dt>Uploaded</dt><dd>{formatTime(d.datetime_created)}</dd>
            <dt>SHA-256</dt><dd><code>{d.sha256}</code></dd>
            <dt>Id</dt><dd><code>{d.id}</code></dd>
          </dl>
          <p><DeleteDataset dataset={d} onError={setError} onDeleted={() => navigate('/datasets')} /></p>
        </>
      )}
      <h2>Preview</h2>
      {!dataset.error && <ErrorNote error={preview.error} />}
      {preview.data ? <DatasetPreview preview={preview.data} rows={d?.stats.rows} /> : preview.loading && <p class="muted">Loading the preview…</p>}
    </section>
  );
}
