/** /train_jobs and /trials: start, follow and stop train jobs; their trials, logs, parameters and ONNX exports. */
import { Elysia, t } from 'elysia';
import { DEVELOPER_TYPES, TRAIN_BUDGET_DEFAULTS } from '../../common/domain.ts';
import { badRequest, conflict, forbidden, notFound } from '../../common/errors.ts';
import type { LogEntry } from '../../common/protocols/train.ts';
import { isAdmin, visibleModelOr404 } from '../access.ts';
import { guard, type Caller } from '../auth/guard.ts';
import type { AdminDeps } from '../context.ts';
import {
  AppParams, AppVersionParams, CreateTrainJobBody, TrainJobResponse, TrialLogsResponse, TrialReportResponse, TrialResponse, TrialsQuery, UserQuery,
  type CreateTrainJobRequest, type TrainJobEventJson,
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

export function trialJson(trial: TrialRecord, job: Pick<TrainJobRecord, 'app' | 'appVersion'>) {
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

async function validateJob(deps: AdminDeps, caller: Caller, body: CreateTrainJobRequest) {
  const budget: Record<keyof typeof TRAIN_BUDGET_DEFAULTS, number> = { ...TRAIN_BUDGET_DEFAULTS, ...body.budget };
  if (budget.GPU_COUNT > 0) throw badRequest(`budget: GPU_COUNT is ${budget.GPU_COUNT} but this Rafiki has no GPU; use 0`);
  for (const [field, id] of [['train_dataset_id', body.train_dataset_id], ['val_dataset_id', body.val_dataset_id]] as const) {
    // The caller's own datasets only, admins included: a job reads its owner's data.
    const dataset = await deps.store.datasets.byId(id);
    if (!dataset || dataset.userId !== caller.id) throw notFound(`${field}: dataset ${id} not found among your datasets`);
    if (dataset.task !== body.task) throw badRequest(`${field}: dataset ${dataset.name} is for ${dataset.task}, not ${body.task}`);
  }
  if (new Set(body.model_ids).size !== body.model_ids.length) throw badRequest('model_ids: a model is listed twice');
  for (const id of body.model_ids) {
    const model = visibleModelOr404(caller, await deps.store.models.byId(id), id);
    if (model.task !== body.task) throw badRequest(`model_ids: model ${model.name} is for ${model.task}, not ${body.task}`);
  }
  return budget;
}

export const trainJobRoutes = (deps: AdminDeps) => {
  const jobOf = async (caller: Caller, app: string, version: number) => {
    const job = await deps.store.trainJobs.byApp(caller.id, app, version);
    if (!job) throw notFound(`no train job of app ${app}${version === -1 ? '' : ` version ${version}`}`);
    return job;
  };
  const withSubJobs = async (job: TrainJobRecord) => ({
    ...trainJobJson(job),
    sub_train_jobs: await Promise.all((await deps.store.trainJobs.subJobs(job.id)).map(async (sub) => {
      // A template a job uses cannot be deleted (its sub-jobs reference it), so it is there.
      const model = (await deps.store.models.byId(sub.modelId))!;
      return {
        id: sub.id,
        model_id: sub.modelId,
        model_name: model.name,
        model_version: model.version,
        status: sub.status,
        error: sub.error,
        trials: (await deps.store.trials.ofSubJob(sub.id)).length,
        workers: (await deps.store.services.ofSubJob(sub.id)).map((s) => ({ service_id: s.id, status: s.status, pid: s.pid, error: s.error })),
      };
    })),
  });
  const trialOf = async (caller: Caller, id: string) => {
    const trial = await deps.store.trials.byId(id);
    const job = trial ? await deps.store.trainJobs.byId(trial.trainJobId) : null;
    if (!trial || !job || !(job.userId === caller.id || isAdmin(caller))) throw notFound(`trial ${id} not found`);
    return { trial, job };
  };
  const TrialId = t.Object({ id: t.String({ format: 'uuid', expected: 'a trial id' }) });

  return new Elysia()
    .use(guard(deps))
    .post('/train_jobs', async ({ body, caller }) => {
      const budget = await validateJob(deps, caller, body);
      const job = await deps.store.trainJobs.create({
        userId: caller.id, app: body.app, task: body.task, trainDatasetId: body.train_dataset_id, valDatasetId: body.val_dataset_id,
        budget, trainArgs: body.train_args ?? {}, modelIds: body.model_ids, adminId: deps.adminId,
      });
      if (!job) throw conflict(`app ${body.app} already has a running train job; stop it first`);
      deps.training.start(job);
      return trainJobJson(job);
    }, { roles: DEVELOPER_TYPES, body: CreateTrainJobBody, response: { 200: TrainJobResponse }, detail: { summary: 'Start a train job', tags: ['train jobs'] } })
    .get('/train_jobs', async ({ query, caller }) => {
      const userId = query.user_id ?? caller.id;
      if (userId !== caller.id && !isAdmin(caller)) throw forbidden("only admins list other users' train jobs");
      return (await deps.store.trainJobs.ofUser(userId)).map(trainJobJson);
    }, { roles: DEVELOPER_TYPES, query: UserQuery, response: { 200: t.Array(TrainJobResponse) }, detail: { summary: "A user's train jobs", tags: ['train jobs'] } })
    .get('/train_jobs/:app', async ({ params, caller }) => (await deps.store.trainJobs.ofUser(caller.id, params.app)).map(trainJobJson),
      { roles: DEVELOPER_TYPES, params: AppParams, response: { 200: t.Array(TrainJobResponse) }, detail: { summary: "An app's train jobs", tags: ['train jobs'] } })
    .get('/train_jobs/:app/:app_version', async ({ params, caller }) => withSubJobs(await jobOf(caller, params.app, params.app_version)),
      { roles: DEVELOPER_TYPES, params: AppVersionParams, response: { 200: TrainJobResponse }, detail: { summary: 'A train job with its sub-jobs and workers (-1: the latest)', tags: ['train jobs'] } })
    .post('/train_jobs/:app/:app_version/stop', async ({ params, caller }) => {
      const job = await jobOf(caller, params.app, params.app_version);
      if (job.status !== 'STARTED' && job.status !== 'RUNNING') throw conflict(`train job ${job.app} v${job.appVersion} is already ${job.status}`);
      await deps.training.stop(job.id);
      return trainJobJson((await deps.store.trainJobs.byId(job.id))!);
    }, { roles: DEVELOPER_TYPES, params: AppVersionParams, response: { 200: TrainJobResponse }, detail: { summary: 'Stop a train job', tags: ['train jobs'] } })
    .get('/train_jobs/:app/:app_version/trials', async ({ params, query, caller }) => {
      const job = await jobOf(caller, params.app, params.app_version);
      const trials = query.type === 'best'
        ? await deps.store.trials.best(job.id, query.max_count ?? 2)
        : await deps.store.trials.ofTrainJob(job.id);
      return trials.map((trial) => trialJson(trial, job));
    }, { roles: DEVELOPER_TYPES, params: AppVersionParams, query: TrialsQuery, response: { 200: t.Array(TrialResponse) }, detail: { summary: 'Trials of a train job, or the best (type=best&max_count=N)', tags: ['trials'] } })
    .get('/train_jobs/:app/:app_version/reports', async ({ params, caller }) => {
      const job = await jobOf(caller, params.app, params.app_version);
      return (await deps.store.trials.reports(job.id)).map(reportJson);
    }, { roles: DEVELOPER_TYPES, params: AppVersionParams, response: { 200: t.Array(TrialReportResponse) }, detail: { summary: "Intermediate scores the job's trials reported, each with the early-stopping decision on it", tags: ['trials'] } })
    .get('/train_jobs/:app/:app_version/events', async ({ params, caller }) => {
      const job = await jobOf(caller, params.app, params.app_version);
      return serverSentEvents(async function* (signal) {
        for await (const change of followTrainJob(deps.store, job.id, signal)) {
          const event: TrainJobEventJson = change.kind === 'job' ? { event: 'job', data: trainJobJson(change.job) }
            : change.kind === 'trials' ? { event: 'trials', data: change.trials.map((trial) => trialJson(trial, job)) }
            : { event: 'reports', data: change.reports.map(reportJson) };
          yield event;
        }
      });
    }, {
      roles: DEVELOPER_TYPES, params: AppVersionParams,
      detail: { summary: 'The job live, as server-sent events: `job`, `trials` (all, then each as it changes), `reports`; the stream ends with the job', tags: ['train jobs'] },
    })
    .get('/trials/:id', async ({ params, caller }) => {
      const { trial, job } = await trialOf(caller, params.id);
      return trialJson(trial, job);
    }, { roles: DEVELOPER_TYPES, params: TrialId, response: { 200: TrialResponse }, detail: { summary: 'A trial', tags: ['trials'] } })
    .get('/trials/:id/logs', async ({ params, caller }) => {
      const { trial } = await trialOf(caller, params.id);
      return logsJson(await deps.store.trials.logs(trial.id));
    }, { roles: DEVELOPER_TYPES, params: TrialId, response: { 200: TrialLogsResponse }, detail: { summary: "A trial's logs: plots, metrics, messages", tags: ['trials'] } })
    .get('/trials/:id/parameters', async ({ params, caller }) => {
      const { trial } = await trialOf(caller, params.id);
      const saved = await deps.store.trials.parameters(trial.id);
      if (!saved) throw notFound(`trial ${trial.id} has no saved parameters (it is ${trial.status})`);
      return new Response(saved.params as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } });
    }, { roles: DEVELOPER_TYPES, params: TrialId, detail: { summary: "A trial's parameters, in the SDK's binary format", tags: ['trials'] } })
    .get('/trials/:id/onnx', async ({ params, caller }) => {
      const { trial } = await trialOf(caller, params.id);
      const saved = await deps.store.trials.parameters(trial.id);
      if (!saved) throw notFound(`trial ${trial.id} has no ONNX model: it is ${trial.status} and saved no model (only a COMPLETED trial, or one stopped early, has one)`);
      if (!saved.onnx) throw notFound(`trial ${trial.id} has no ONNX model: its template ${trial.modelName} does not export one (it has no toOnnx; its own predict serves it)`);
      return new Response(saved.onnx as Uint8Array<ArrayBuffer>, {
        headers: { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${trial.id}.onnx"` },
      });
    }, { roles: DEVELOPER_TYPES, params: TrialId, detail: { summary: "A trial's trained model as ONNX, as its inference workers serve it; 404 with the reason when it has none", tags: ['trials'] } });
};
