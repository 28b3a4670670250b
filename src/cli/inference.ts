/** `rafiki inference`: deploy a stopped train job's best trials, see the running job, stop it. */
import { Command } from 'commander';
import type { InferenceJobJson } from '../client/index.ts';
import { positiveInteger, versionOption } from './args.ts';
import { loggedInClient } from './credentials.ts';
import { print, when, withJson, type JsonFlag } from './output.ts';
import { details, table } from './table.ts';

interface VersionFlag extends JsonFlag { version: number }

function describe(job: InferenceJobJson): string {
  return details([
    ['app', `${job.app} v${job.app_version}`],
    ['status', job.status],
    ['predictor', job.predictor_host],
    ...(job.predictor_hosts.length > 1 ? [['other frontends', job.predictor_hosts.slice(1).join(', ')] as [string, string]] : []),
    ['trials', job.trial_ids.join(', ')],
    ['replicas per trial', job.budget.REPLICA_COUNT],
    ['frontends', job.budget.FRONTEND_COUNT ?? 1],
    ['started', when(job.datetime_started)],
    ['stopped', when(job.datetime_stopped)],
    ['error', job.error],
    ['id', job.id],
  ]);
}

export function registerInference(program: Command): void {
  const inference = program.command('inference').description('inference jobs: trained models answering queries over HTTP/2');

  withJson(inference
    .command('create')
    .description("deploy the best completed trials of a train job that has ended, STOPPED or ERRORED (the best of each template, or the best N)")
    .argument('<app>', 'the app of the train job')
    .addOption(versionOption('the app version of the train job'))
    .option('--models <count>', 'deploy the best N trials overall', positiveInteger)
    .option('--replicas <count>', 'inference workers per trial', positiveInteger)
    .option('--frontends <count>', 'query frontends sharing the queries (more than one needs Redis on the Admin)', positiveInteger))
    .action(async (app: string, flags: VersionFlag & { models?: number; replicas?: number; frontends?: number }) => {
      const budget = {
        GPU_COUNT: 0, ...(flags.models ? { MODEL_COUNT: flags.models } : {}), ...(flags.replicas ? { REPLICA_COUNT: flags.replicas } : {}),
        ...(flags.frontends ? { FRONTEND_COUNT: flags.frontends } : {}),
      };
      const job = await loggedInClient().createInferenceJob(app, flags.version, budget);
      print(flags, job, (j) => `${describe(j)}\n\nquery it: rafiki predict ${j.app} --query '<json>'`);
    });

  withJson(inference
    .command('status')
    .description('the running inference job of an app version')
    .argument('<app>', 'the app')
    .addOption(versionOption()))
    .action(async (app: string, flags: VersionFlag) => {
      print(flags, await loggedInClient().getRunningInferenceJob(app, flags.version), describe);
    });

  withJson(inference.command('list').description('your inference jobs, or those of one app').argument('[app]', 'only this app'))
    .action(async (app: string | undefined, flags: JsonFlag) => {
      const jobs = await loggedInClient().getInferenceJobs(app === undefined ? {} : { app });
      print(flags, jobs, (rows) => table(rows, [
        { header: 'app', value: (j) => `${j.app} v${j.app_version}` },
        { header: 'status', value: (j) => j.status },
        { header: 'predictor', value: (j) => j.predictor_host ?? '-' },
        { header: 'trials', value: (j) => String(j.trial_ids.length) },
        { header: 'started', value: (j) => when(j.datetime_started) },
        { header: 'id', value: (j) => j.id },
      ]));
    });

  withJson(inference
    .command('stop')
    .description('answer what is in flight, then stop the frontend and its workers')
    .argument('<app>', 'the app')
    .addOption(versionOption()))
    .action(async (app: string, flags: VersionFlag) => {
      print(flags, await loggedInClient().stopInferenceJob(app, flags.version), (j) => `stopped the inference job of ${j.app} v${j.app_version}`);
    });
}
