/** `rafiki models`: upload, list, get, download and delete model templates. */
import { existsSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { TASKS, type Task } from '../common/domain.ts';
import type { ModelJson } from '../client/index.ts';
import { positiveInteger } from './args.ts';
import { loggedInClient } from './credentials.ts';
import { EXIT } from './exit.ts';
import { bytes, print, when, withJson, type JsonFlag } from './output.ts';
import { details, table } from './table.ts';

interface UploadFlags extends JsonFlag {
  name: string;
  task: Task;
  class: string;
  dependencies?: Record<string, string>;
  public?: boolean;
}

export function registerModels(program: Command): void {
  const models = program.command('models').description('model templates: code that trains, evaluates and predicts, with knobs to tune');

  withJson(models
    .command('upload')
    .description('upload a template; the Admin loads it in a subprocess to check it first. Under a name you already have, it is that name\'s next version')
    .argument('<file>', 'the template module (.ts or .js)')
    .requiredOption('--name <name>', 'a name for it')
    .addOption(new Option('--task <task>', 'the task it solves').choices(TASKS).makeOptionMandatory())
    .requiredOption('--class <class>', 'the name of its exported model class')
    .option('--dependencies <json>', 'npm packages it imports, as JSON: {"name": "version"}', dependencies)
    .option('--public', 'let every user train it (default: only you)'))
    .action(async (file: string, flags: UploadFlags, command: Command) => {
      if (!existsSync(file)) command.error(`error: template file ${file} does not exist`, { exitCode: EXIT.USAGE });
      const model = await loggedInClient().createModel({
        name: flags.name, task: flags.task, file, modelClass: flags.class, dependencies: flags.dependencies, accessRight: flags.public ? 'PUBLIC' : 'PRIVATE',
      });
      print(flags, model, (m) => `uploaded model ${m.name} version ${m.version} (${m.access_right}, knobs: ${Object.keys(m.knob_config).join(', ') || 'none'})\nid: ${m.id}`);
    });

  withJson(models
    .command('list')
    .description('your templates and the public ones: the latest version of each')
    .addOption(new Option('--task <task>', 'only those of this task').choices(TASKS))
    .option('--all-versions', 'every version, not only the latest'))
    .action(async (flags: JsonFlag & { task?: Task; allVersions?: boolean }) => {
      print(flags, await loggedInClient().getAvailableModels(flags.task, { allVersions: flags.allVersions }), (rows) => table(rows, [
        { header: 'name', value: (m) => m.name, max: 30 },
        { header: 'version', value: (m) => m.version },
        { header: 'task', value: (m) => m.task },
        { header: 'class', value: (m) => m.model_class, max: 30 },
        { header: 'access', value: (m) => m.access_right },
        { header: 'created', value: (m) => when(m.datetime_created) },
        { header: 'id', value: (m) => m.id },
      ]));
    });

  withJson(models
    .command('get')
    .description("a template's details and knobs")
    .argument('<id-or-name>', 'the model id, or its name (yours, else the public one of that name)')
    .option('--version <version>', 'with a name: this version (default: the latest)', positiveInteger))
    .action(async (ref: string, flags: JsonFlag & { version?: number }) => {
      print(flags, await loggedInClient().getModel(ref, flags.version), describe);
    });

  withJson(models
    .command('download')
    .description("a template's source file, byte for byte (with --json and no --output: {id, size_bytes, source})")
    .argument('<id>', 'the model id, or its name (its latest version)')
    .option('-o, --output <file>', 'write it to this file (default: standard output)'))
    .action(async (idOrName: string, flags: JsonFlag & { output?: string }) => {
      const client = loggedInClient();
      const { id } = await client.getModel(idOrName);
      const file = await client.downloadModelFile(id);
      if (flags.output === undefined) {
        if (flags.json) print(flags, { id, size_bytes: file.byteLength, source: new TextDecoder().decode(file) }, () => '');
        else process.stdout.write(file);
        return;
      }
      writeFileSync(flags.output, file);
      print(flags, { id, path: flags.output, size_bytes: file.byteLength }, (r) => `saved ${bytes(r.size_bytes)} to ${r.path}`);
    });

  withJson(models.command('delete').description('delete a template no train job uses').argument('<id>', 'the model id'))
    .action(async (id: string, flags: JsonFlag) => {
      print(flags, await loggedInClient().deleteModel(id), (m) => `deleted model ${m.name} (${m.id})`);
    });
}

function describe(m: ModelJson): string {
  const knobs = Object.entries(m.knob_config).map(([name, knob]) => `  ${name}: ${JSON.stringify(knob)}`);
  return `${details([
    ['id', m.id], ['name', m.name], ['version', m.version], ['task', m.task], ['class', m.model_class], ['access', m.access_right],
    ['dependencies', Object.entries(m.dependencies).map(([name, version]) => `${name}@${version}`).join(', ')],
    ['owner', m.user_id], ['created', when(m.datetime_created)],
  ])}\nknobs:\n${knobs.join('\n') || '  none'}`;
}

function dependencies(value: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError(`expected JSON such as {"lodash": "4.17.21"}, got ${value}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
    throw new InvalidArgumentError(`expected a JSON object of package name → version string, got ${value}`);
  }
  return parsed as Record<string, string>;
}
