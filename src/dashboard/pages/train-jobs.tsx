/** Train jobs: the user's jobs with their status, newest first, followed while any runs; a way to start one. */
import { useEffect } from 'preact/hooks';
import type { TrainJobJson } from '../../admin/schemas/train-jobs.ts';
import { useSession } from '../app-session.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorNote } from '../components/error-note.tsx';
import { Elapsed, elapsedMs } from '../components/elapsed.tsx';
import { formatTime } from '../components/format.ts';
import { Status } from '../components/status.tsx';
import { href } from '../router.tsx';
import { useAsync } from '../use-async.ts';
import './train-jobs.css';

export const isActive = (job: Pick<TrainJobJson, 'status'>) => job.status === 'STARTED' || job.status === 'RUNNING';
const POLL_MS = 5_000;

export function TrainJobs() {
  const { api } = useSession();
  const jobs = useAsync(() => api.getTrainJobs(), []);
  const active = (jobs.data ?? []).some(isActive);
  // A running job's status changes on its own: the list is read again until none runs.
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(jobs.reload, POLL_MS);
    return () => clearInterval(timer);
  }, [active, jobs.reload]);

  return (
    <section>
      <div class="page-head">
        <h1>Train jobs</h1>
        <a class="button" href={href('train-jobs', 'new')}>New train job</a>
      </div>
      <ErrorNote error={jobs.error} />
      <DataTable<TrainJobJson>
        caption="Train jobs"
        rows={jobs.data ?? []}
        rowKey={(j) => j.id}
        initialSort={{ key: 'started', descending: true }}
        empty={jobs.loading ? 'Loading…' : 'No train jobs yet. Start one with “New train job”.'}
        columns={[
          { key: 'app', label: 'App', value: (j) => j.app, render: (j) => <a href={href('train-jobs', j.app, j.app_version)}>{j.app}</a> },
          // The status next to the app: on a phone's screen the columns after it are a scroll away.
          { key: 'status', label: 'Status', value: (j) => j.status, render: (j) => <Status status={j.status} /> },
          { key: 'version', label: 'Version', value: (j) => j.app_version, numeric: true },
          { key: 'task', label: 'Task', value: (j) => j.task },
          { key: 'started', label: 'Started', value: (j) => j.datetime_started, render: (j) => formatTime(j.datetime_started) },
          {
            key: 'duration', label: 'Duration', numeric: true,
            value: (j) => elapsedMs(j.datetime_started, j.datetime_stopped),
            render: (j) => <Elapsed from={j.datetime_started} to={j.datetime_stopped} />,
          },
        ]}
      />
    </section>
  );
}
