/** `rafiki train`: create, follow, list and stop train jobs. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { TASKS, type Task } from '../common/domain.ts';
import type { TrainJobJson } from '../client/index.ts';
import { integer, list, positiveInteger, positiveNumber, versionOption } from './args.ts';
import { loggedInClient } from './credentials.ts';
import { elapsed, print, when, withJson, type JsonFlag } from './output.ts';
import { details, table } from './table.ts';
import { watchTrainJob } from './watch.ts';

interface CreateFlags extends JsonFlag {
  app: string;
  task: Task;
  train: string;
  val: string;
  models: string[];
  features?: string[];
  trials?: number;
  hours?: number;
  workers?: number;
  target?: string;
}

type VersionFlags = JsonFlag & { version: number };

export function registerTrain(program: Command): void {
  const train = program.command('train').description('train jobs: tune model templates on a dataset within a budget');

  withJson(train
    .command('create')
    .description('start a train job; each template is tuned within the budget (per template)')
    .requiredOption('--app <app>', 'the app name; each new job of an app is its next version')
    .addOption(new Option('--task <task>', 'the task').choices(TASKS).makeOptionMandatory())
    .requiredOption('--train <dataset-id>', 'the training dataset')
    .requiredOption('--val <dataset-id>', 'the validation dataset')
    .requiredOption('--models <ids>', 'comma-separated model ids', list)
    .option('--trials <n>', 'trials per template, -1 for no limit (default: no limit)', trialCount)
    .option('--hours <h>', 'time budget in hours (default: 0.1)', positiveNumber)
    .option('--workers <n>', 'workers per template (default: 1)', positiveInteger)
    .option('--target <column>', 'tabular tasks: the label column (default: the last)')
    .option('--features <columns>', 'tabular tasks: comma-separated feature columns, in this order (default: all but the target)', list))
    .action(async (flags: CreateFlags) => {
      const budget = {
        ...(flags.trials !== undefined ? { MODEL_TRIAL_COUNT: flags.trials } : {}),
        ...(flags.hours !== undefined ? { TIME_HOURS: flags.hours } : {}),
        ...(flags.workers !== undefined ? { WORKER_COUNT: flags.workers } : {}),
      };
      const job = await loggedInClient().createTrainJob({
        app: flags.app, task: flags.task, trainDatasetId: flags.train, valDatasetId: flags.val, modelIds: flags.models, budget,
        ...(flags.target !== undefined || flags.features !== undefined
          ? { trainArgs: { ...(flags.target !== undefined ? { target: flags.target } : {}), ...(flags.features !== undefined ? { features: flags.features } : {}) } }
          : {}),
      });
      print(flags, job, (j) => `started train job ${j.app} v${j.app_version} (${budgetText(j)})\nfollow it with: rafiki train watch ${j.app} --version ${j.app_version}`);
    });

  withJson(train.command('status').description("a train job's status, budget and templates").argument('<app>', 'the app').addOption(versionOption()))
    .action(async (app: string, flags: VersionFlags) => {
      print(flags, await loggedInClient().getTrainJob(app, flags.version), describe);
    });

  withJson(train.command('list').description("your train jobs, or an app's versions").argument('[app]', 'only the versions of this app'))
    .action(async (app: string | undefined, flags: JsonFlag) => {
      const jobs = await loggedInClient().getTrainJobs(app === undefined ? {} : { app });
      print(flags, jobs, (rows) => (rows.length === 0 ? 'no train jobs' : table(rows, [
        { header: 'app', value: (j) => j.app, max: 30 },
        { header: 'version', value: (j) => j.app_version },
        { header: 'task', value: (j) => j.task },
        { header: 'status', value: (j) => j.status },
        { header: 'started', value: (j) => when(j.datetime_started) },
        { header: 'duration', value: (j) => elapsed(j.datetime_started, j.datetime_stopped) },
        { header: 'id', value: (j) => j.id },
      ])));
    });

  withJson(train.command('stop').description('stop a train job: running trials end as TERMINATED').argument('<app>', 'the app').addOption(versionOption()))
    .action(async (app: string, flags: VersionFlags) => {
      print(flags, await loggedInClient().stopTrainJob(app, flags.version), (j) => `train job ${j.app} v${j.app_version} is ${j.status}`);
    });

  withJson(train
    .command('watch')
    .description('follow a train job live (trials against the budget, best score, running trials) until it ends, then print its trials; exits 1 if it ERRORED')
    .argument('<app>', 'the app')
    .addOption(versionOption())
    .option('--interval <ms>', 'how often to ask the Admin', positiveInteger, 1000))
    .action(async (app: string, flags: VersionFlags & { interval: number }) => {
      await watchTrainJob(loggedInClient(), { app, version: flags.version, intervalMs: flags.interval, json: flags.json ?? false });
    });
}

function budgetText(job: TrainJobJson): string {
  const trials = job.budget.MODEL_TRIAL_COUNT ?? -1;
  return `${trials < 0 ? 'unlimited' : trials} trials per template, ${job.budget.TIME_HOURS} h, ${job.budget.WORKER_COUNT ?? 1} worker(s) per template`;
}

function describe(job: TrainJobJson): string {
  const head = details([
    ['app', `${job.app} v${job.app_version}`], ['id', job.id], ['task', job.task], ['status', job.status], ['error', job.error],
    ['budget', budgetText(job)], ['train dataset', job.train_dataset_id], ['val dataset', job.val_dataset_id],
    ['started', when(job.datetime_started)], ['stopped', when(job.datetime_stopped)], ['duration', elapsed(job.datetime_started, job.datetime_stopped)],
  ]);
  const subJobs = job.sub_train_jobs ?? [];
  if (subJobs.length === 0) return head;
  return `${head}\n\n${table(subJobs, [
    { header: 'model', value: (s) => s.model_name, max: 24 },
    { header: 'status', value: (s) => s.status },
    { header: 'trials', value: (s) => s.trials },
    { header: 'workers', value: (s) => s.workers.length },
    { header: 'model id', value: (s) => s.model_id },
    { header: 'error', value: (s) => s.error, max: 60 },
  ])}`;
}

function trialCount(value: string): number {
  const n = integer(value);
  if (n < 1 && n !== -1) throw new InvalidArgumentError(`expected a positive number of trials, or -1 for no limit, got ${value}`);
  return n;
}
