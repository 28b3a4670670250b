/** /train_jobs and /trials: start, follow and stop train jobs; their trials, logs, parameters and ONNX exports. */
import { Elysia, t } from 'elysia';
import { DEVELOPER_TYPES } from '../../common/domain.ts';
import type { LogEntry } from '../../common/protocols/train.ts';
import { guard } from '../auth/guard.ts';
import type { AdminDeps } from '../context.ts';
import { errorStackFor, TrainJobs } from '../jobs/train-jobs.ts';
import {
  AppParams, AppVersionParams, CreateTrainJobBody, TrainJobResponse, TrialLogsResponse, TrialReportResponse, TrialResponse, TrialsQuery, UserQuery,
  type TrainJobEventJson,
} from '../schemas/train-jobs.ts';
import type { TrainJobRecord } from '../store/train-jobs.ts';
import type { TrialRecord, TrialReport } from '../store/trials.ts';
import { serverSentEvents } from '../sse.ts';
import { followTrainJob } from '../training/job-feed.ts';

export function trainJobJson(job: TrainJobRecord) {
  return {
    id: job.id,
    user_id: job.userId,
    app: job.app,
    app_version: job.appVersion,
    task: job.task,
    train_dataset_id: job.trainDatasetId,
    val_dataset_id: job.valDatasetId,
    budget: job.budget,
    train_args: job.trainArgs,
    status: job.status,
    error: job.error,
    datetime_started: job.startedAt.toISOString(),
    datetime_stopped: job.stoppedAt?.toISOString() ?? null,
  };
}

/** `errorStack`: what the caller may see of where the trial failed (`errorStackFor`). */
export function trialJson(trial: TrialRecord, job: Pick<TrainJobRecord, 'app' | 'appVersion'>, errorStack: string | null) {
  return {
    id: trial.id,
    no: trial.no,
    app: job.app,
    app_version: job.appVersion,
    model_id: trial.modelId,
    model_name: trial.modelName,
    model_version: trial.modelVersion,
    knobs: trial.knobs,
    status: trial.status,
    score: trial.score,
    error: trial.error,
    error_stack: errorStack,
    worker_id: trial.workerId,
    datetime_started: trial.startedAt.toISOString(),
    datetime_stopped: trial.stoppedAt?.toISOString() ?? null,
  };
}

export function reportJson(report: TrialReport) {
  return { id: report.id, trial_id: report.trialId, step: report.step, score: report.score, decision: report.decision, time: report.reportedAt.toISOString() };
}

/** Rafiki's logs shape: plots defined, metrics logged (each with its time), messages. */
export function logsJson(entries: LogEntry[]) {
  return {
    plots: entries.flatMap((e) => (e.kind === 'PLOT' ? [{ title: e.title, metrics: e.metrics, x_axis: e.xAxis }] : [])),
    metrics: entries.flatMap((e) => (e.kind === 'METRICS' ? [{ time: e.time, ...e.metrics }] : [])),
    messages: entries.flatMap((e) => (e.kind === 'MESSAGE' ? [{ time: e.time, message: e.message }] : [])),
  };
}

export const trainJobRoutes = (deps: AdminDeps) => {
  const jobs = new TrainJobs(deps);
  const withSubJobs = async (job: TrainJobRecord) => ({
    ...trainJobJson(job),
    sub_train_jobs: (await jobs.subJobs(job)).map(({ sub, modelName, modelVersion, trials, workers }) => ({
      id: sub.id,
      model_id: sub.modelId,
      model_name: modelName,
      model_version: modelVersion,
      status: sub.status,
      error: sub.error,
      trials,
      workers: workers.map((s) => ({ service_id: s.id, status: s.status, pid: s.pid, error: s.error })),
    })),
  });
  const TrialId = t.Object({ id: t.String({ format: 'uuid', expected: 'a trial id' }) });

  return new Elysia()
    .use(guard(deps))
    .post('/train_jobs', async ({ body, caller }) => trainJobJson(await jobs.start(caller, body)),
      { roles: DEVELOPER_TYPES, body: CreateTrainJobBody, response: { 200: TrainJobResponse }, detail: { summary: 'Start a train job', tags: ['train jobs'] } })
    .get('/train_jobs', async ({ query, caller }) => (await jobs.ofUser(caller, query.user_id)).map(trainJobJson),
      { roles: DEVELOPER_TYPES, query: UserQuery, response: { 200: t.Array(TrainJobResponse) }, detail: { summary: "A user's train jobs", tags: ['train jobs'] } })
    .get('/train_jobs/:app', async ({ params, caller }) => (await jobs.ofApp(caller, params.app)).map(trainJobJson),
      { roles: DEVELOPER_TYPES, params: AppParams, response: { 200: t.Array(TrainJobResponse) }, detail: { summary: "An app's train jobs", tags: ['train jobs'] } })
    .get('/train_jobs/:app/:app_version', async ({ params, caller }) => withSubJobs(await jobs.get(caller, params.app, params.app_version)),
      { roles: DEVELOPER_TYPES, params: AppVersionParams, response: { 200: TrainJobResponse }, detail: { summary: 'A train job with its sub-jobs and workers (-1: the latest)', tags: ['train jobs'] } })
    .post('/train_jobs/:app/:app_version/stop', async ({ params, caller }) => trainJobJson(await jobs.stop(caller, params.app, params.app_version)),
      { roles: DEVELOPER_TYPES, params: AppVersionParams, response: { 200: TrainJobResponse }, detail: { summary: 'Stop a train job', tags: ['train jobs'] } })
    .get('/train_jobs/:app/:app_version/trials', async ({ params, query, caller }) => {
      const { job, trials } = await jobs.trials(caller, params.app, params.app_version, { best: query.type === 'best', ...(query.max_count !== undefined ? { maxCount: query.max_count } : {}) });
      return trials.map((trial) => trialJson(trial, job, errorStackFor(caller, job, trial)));
    }, { roles: DEVELOPER_TYPES, params: AppVersionParams, query: TrialsQuery, response: { 200: t.Array(TrialResponse) }, detail: { summary: 'Trials of a train job, or the best (type=best&max_count=N)', tags: ['trials'] } })
    .get('/train_jobs/:app/:app_version/reports', async ({ params, caller }) => (await jobs.reports(caller, params.app, params.app_version)).map(reportJson),
      { roles: DEVELOPER_TYPES, params: AppVersionParams, response: { 200: t.Array(TrialReportResponse) }, detail: { summary: "Intermediate scores the job's trials reported, each with the early-stopping decision on it", tags: ['trials'] } })
    .get('/train_jobs/:app/:app_version/events', async ({ params, caller }) => {
      const job = await jobs.get(caller, params.app, params.app_version);
      return serverSentEvents(async function* (signal) {
        for await (const change of followTrainJob(deps.store, job.id, signal)) {
          const event: TrainJobEventJson = change.kind === 'job' ? { event: 'job', data: trainJobJson(change.job) }
            : change.kind === 'trials' ? { event: 'trials', data: change.trials.map((trial) => trialJson(trial, job, errorStackFor(caller, job, trial))) }
            : { event: 'reports', data: change.reports.map(reportJson) };
          yield event;
        }
      });
    }, {
      roles: DEVELOPER_TYPES, params: AppVersionParams,
      detail: { summary: 'The job live, as server-sent events: `job`, `trials` (all, then each as it changes), `reports`; the stream ends with the job', tags: ['train jobs'] },
    })
    .get('/trials/:id', async ({ params, caller }) => {
      const { trial, job } = await jobs.trial(caller, params.id);
      return trialJson(trial, job, errorStackFor(caller, job, trial));
    }, { roles: DEVELOPER_TYPES, params: TrialId, response: { 200: TrialResponse }, detail: { summary: 'A trial', tags: ['trials'] } })
    .get('/trials/:id/logs', async ({ params, caller }) => logsJson(await jobs.trialLogs(caller, params.id)),
      { roles: DEVELOPER_TYPES, params: TrialId, response: { 200: TrialLogsResponse }, detail: { summary: "A trial's logs: plots, metrics, messages", tags: ['trials'] } })
    .get('/trials/:id/parameters', async ({ params, caller }) =>
      new Response(await jobs.trialParameters(caller, params.id) as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } }),
    { roles: DEVELOPER_TYPES, params: TrialId, detail: { summary: "A trial's parameters, in the SDK's binary format", tags: ['trials'] } })
    .get('/trials/:id/onnx', async ({ params, caller }) =>
      new Response(await jobs.trialOnnx(caller, params.id) as Uint8Array<ArrayBuffer>, {
        headers: { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${params.id}.onnx"` },
      }),
    { roles: DEVELOPER_TYPES, params: TrialId, detail: { summary: "A trial's trained model as ONNX, as its inference workers serve it; 404 with the reason when it has none", tags: ['trials'] } });
};
