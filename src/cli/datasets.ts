/** `rafiki datasets`: upload (with a progress bar), list, get and delete datasets. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { TASKS, type Task } from '../common/domain.ts';
import type { DatasetJson } from '../client/index.ts';
import { loggedInClient } from './credentials.ts';
import { EXIT } from './exit.ts';
import { bytes, print, when, withJson, type JsonFlag } from './output.ts';
import { counted, ProgressBar } from './progress.ts';
import { details, table } from './table.ts';

interface UploadFlags extends JsonFlag {
  name: string;
  task: Task;
  url?: string;
}

export function registerDatasets(program: Command): void {
  const datasets = program.command('datasets').description('datasets to train and validate on (CSV for tabular tasks, zip of images for image tasks)');

  withJson(datasets
    .command('upload')
    .description('upload a dataset from a file (streamed, with a progress bar), or have the Admin fetch it from --url')
    .argument('[file]', 'the dataset file')
    .option('--url <url>', 'an http(s) URL the Admin downloads the dataset from, instead of a file')
    .requiredOption('--name <name>', 'a name for it')
    .addOption(new Option('--task <task>', 'the task it is for; its format is checked against it').choices(TASKS).makeOptionMandatory()))
    .action(async (file: string | undefined, flags: UploadFlags, command: Command) => {
      if (file === undefined && flags.url === undefined) command.error('error: expected a dataset file, or --url <url>', { exitCode: EXIT.USAGE });
      if (file !== undefined && flags.url !== undefined) command.error('error: expected a dataset file or --url <url>, not both', { exitCode: EXIT.USAGE });
      const client = loggedInClient();
      let dataset: DatasetJson;
      if (file === undefined) {
        dataset = await client.createDataset({ name: flags.name, task: flags.task, url: flags.url! });
      } else {
        if (!existsSync(file) || !statSync(file).isFile()) command.error(`error: dataset file ${file} does not exist`, { exitCode: EXIT.USAGE });
        const bar = flags.json || !process.stderr.isTTY ? undefined : new ProgressBar(process.stderr, statSync(file).size, basename(file));
        const stream = createReadStream(file);
        try {
          dataset = await client.createDataset({ name: flags.name, task: flags.task, file: bar ? counted(stream, (sent) => bar.update(sent)) : stream });
        } finally {
          bar?.done();
          stream.destroy();
        }
      }
      print(flags, dataset, (d) => `uploaded dataset ${d.name} (${summary(d)})\nid: ${d.id}`);
    });

  withJson(datasets
    .command('list')
    .description('your datasets')
    .addOption(new Option('--task <task>', 'only those of this task').choices(TASKS)))
    .action(async (flags: JsonFlag & { task?: Task }) => {
      print(flags, await loggedInClient().getDatasets(flags.task), (rows) => table(rows, [
        { header: 'name', value: (d) => d.name, max: 30 },
        { header: 'task', value: (d) => d.task },
        { header: 'size', value: (d) => bytes(d.size_bytes) },
        { header: 'contents', value: summary },
        { header: 'created', value: (d) => when(d.datetime_created) },
        { header: 'id', value: (d) => d.id },
      ]));
    });

  withJson(datasets.command('get').description("a dataset's details").argument('<id>', 'the dataset id'))
    .action(async (id: string, flags: JsonFlag) => {
      print(flags, await loggedInClient().getDataset(id), (d) => details([
        ['id', d.id], ['name', d.name], ['task', d.task], ['size', bytes(d.size_bytes)], ['contents', summary(d)],
        ['columns', d.stats.columns?.join(', ')], ['classes', d.stats.classes.join(', ')], ['sha256', d.sha256], ['created', when(d.datetime_created)],
      ]));
    });

  withJson(datasets.command('delete').description('delete a dataset no train job uses').argument('<id>', 'the dataset id'))
    .action(async (id: string, flags: JsonFlag) => {
      print(flags, await loggedInClient().deleteDataset(id), (d) => `deleted dataset ${d.name} (${d.id})`);
    });
}

/** `150 rows, 3 classes` or `1000 images, 10 classes`. */
function summary({ stats }: DatasetJson): string {
  const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const items = stats.images !== undefined ? count(stats.images, 'image', 'images') : count(stats.rows ?? 0, 'row', 'rows');
  return stats.classes.length > 0 ? `${items}, ${count(stats.classes.length, 'class', 'classes')}` : items;
}
