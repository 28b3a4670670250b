import { existsSync, readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { TASKS, testModel, TestModelError, type Task } from '../model/index.ts';
import { integer, positiveInteger } from './args.ts';
import { CliExit, EXIT } from './exit.ts';

interface TestModelFlags {
  task: Task;
  train: string;
  val: string;
  trials: number;
  seed: number;
  queries?: string;
  target?: string;
  features?: string[];
  json?: boolean;
  verbose?: boolean;
}

/** `rafiki test-model`: checks a template's whole cycle before it is uploaded. */
export function registerTestModel(program: Command): void {
  program
    .command('test-model')
    .description('train, evaluate, save, reload and query a model template here, as Rafiki would; exits 1 naming the first failing step')
    .argument('<file>', 'the template module (.ts or .js)')
    .argument('<class>', 'the name of its exported model class')
    .addOption(new Option('--task <task>', 'the task to test it on').choices(TASKS).makeOptionMandatory())
    .requiredOption('--train <path>', 'training dataset (CSV for tabular tasks, zip of images with images.csv)')
    .requiredOption('--val <path>', 'validation dataset, in the same format')
    .option('--trials <n>', 'trials with sampled knobs', positiveInteger, 2)
    .option('--seed <n>', 'seed of the knob sampler', integer, 0)
    .option('--queries <file>', 'JSON file of queries to predict: an array, or {"queries": [...]} (default: rows of the validation set)')
    .option('--target <column>', 'tabular tasks: the label column (default: the last)')
    .option('--features <columns>', 'tabular tasks: comma-separated feature columns (default: all but the target)', (list: string) => list.split(',').map((c) => c.trim()))
    .option('--json', 'print the report as JSON on stdout (progress goes to stderr)')
    .option('--verbose', 'print every step and what the template logs (each epoch, say), not only a line per trial and a summary')
    .action(async (file: string, className: string, flags: TestModelFlags, command: Command) => {
      for (const [what, path] of [['template file', file], ['--train', flags.train], ['--val', flags.val], ['--queries', flags.queries]] as const) {
        if (path !== undefined && !existsSync(path)) command.error(`error: ${what} ${path} does not exist`, { exitCode: EXIT.USAGE });
      }
      const queries = flags.queries === undefined ? undefined : readQueries(flags.queries, command);
      const log = flags.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
      try {
        const report = await testModel(file, className, flags.task, flags.train, flags.val, {
          trials: flags.trials, seed: flags.seed, queries, target: flags.target, features: flags.features, log, verbose: flags.verbose ?? false,
        });
        if (flags.json) console.log(JSON.stringify(report, null, 2));
      } catch (err) {
        if (!(err instanceof TestModelError)) throw err;
        if (flags.json) console.log(JSON.stringify({ failed: { step: err.step, message: err.message }, report: err.report }, null, 2));
        console.error(`test-model failed at "${err.step}": ${err.message.slice(err.step.length + 2)}`);
        throw new CliExit(EXIT.FAILED);
      }
    });
}

function readQueries(path: string, command: Command): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return command.error(`error: --queries ${path} is not JSON: ${(err as Error).message}`, { exitCode: EXIT.USAGE });
  }
  const queries = Array.isArray(parsed) ? parsed : (parsed as { queries?: unknown })?.queries;
  if (!Array.isArray(queries) || queries.length === 0) {
    return command.error(`error: --queries ${path} must hold a non-empty array of queries, or {"queries": [...]}`, { exitCode: EXIT.USAGE });
  }
  return queries;
}
