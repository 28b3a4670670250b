/** The running inference jobs the user may query: an app user's start page (admins see them too). */
import type { PredictorJson } from '../../admin/schemas/predictors.ts';
import { useSession } from '../app-session.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../components/format.ts';
import { href } from '../router.tsx';
import { useAsync } from '../use-async.ts';

export function Predictors() {
  const { api } = useSession();
  const predictors = useAsync(() => api.listPredictors(), []);
  return (
    <section>
      <h1>Deployed models</h1>
      <p>Each is an inference job that answers your queries: try one here, or send queries to its predictor with your token.</p>
      <ErrorNote error={predictors.error} />
      <DataTable<PredictorJson>
        caption="Deployed models you may query"
        rows={predictors.data ?? []}
        rowKey={(p) => p.inference_job_id}
        initialSort={{ key: 'started', descending: true }}
        empty={predictors.loading ? 'Loading…' : 'No model is deployed for you yet.'}
        columns={[
          { key: 'app', label: 'App', value: (p) => `${p.app} v${p.app_version}`, render: (p) => <a href={href('predictors', p.inference_job_id)}>{p.app} v{p.app_version}</a> },
          { key: 'predictor', label: 'Predictor', value: (p) => p.predictor_host, render: (p) => <code>{p.predictor_host}</code> },
          { key: 'models', label: 'Models', value: (p) => p.trial_count, numeric: true },
          { key: 'started', label: 'Deployed', value: (p) => p.datetime_started, render: (p) => formatTime(p.datetime_started) },
        ]}
      />
    </section>
  );
}
