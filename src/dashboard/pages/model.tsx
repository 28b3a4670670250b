/** One model template: what it is, its knob config as a table, its source to download, its deletion. */
import { useState } from 'preact/hooks';
import type { KnobConfig } from '../../model/knobs.ts';
import { useSession } from '../app-session.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../components/format.ts';
import { KnobTable } from '../components/knob-table.tsx';
import { ModelActions } from '../components/model-actions.tsx';
import { navigate } from '../router.tsx';
import { useAsync } from '../use-async.ts';

/** At `#/models/:id`: the router gives `id`. */
export function Model(params: Record<string, string>) {
  const id = params.id!;
  const { api, session } = useSession();
  const model = useAsync(() => api.getModel(id), [id]);
  const [error, setError] = useState<unknown>(null);
  const m = model.data;
  const dependencies = m ? Object.entries(m.dependencies) : [];
  return (
    <section>
      <p><a href="#/models">← Model templates</a></p>
      <h1>{m ? m.name : 'Model template'}</h1>
      <ErrorNote error={model.error ?? error} />
      {model.loading && !m && <p class="muted">Loading…</p>}
      {m && (
        <>
          <dl class="facts">
            <dt>Version</dt><dd>{m.version}</dd>
            <dt>Class</dt><dd><code>{m.model_class}</code></dd>
            <dt>Task</dt><dd>{m.task}</dd>
            <dt>Access</dt><dd>{m.access_right}</dd>
            <dt>Owner</dt><dd>{m.user_id === session.userId ? 'you' : 'another user'}</dd>
            <dt>Dependencies</dt><dd>{dependencies.length === 0 ? 'none' : dependencies.map(([name, version]) => `${name}@${version}`).join(', ')}</dd>
            <dt>Uploaded</dt><dd>{formatTime(m.datetime_created)}</dd>
            <dt>Id</dt><dd><code>{m.id}</code></dd>
          </dl>
          <p><ModelActions model={m} onError={setError} onDeleted={() => navigate('/models')} /></p>
          <h2>Knobs</h2>
          <KnobTable config={m.knob_config as KnobConfig} caption={`Knobs of ${m.name}`} />
        </>
      )}
    </section>
  );
}
