/**
 * The `rafiki` CLI: one file per command group, each listed in GROUPS.
 * Exit codes: 0 done, 1 failed (reason printed), 2 called wrongly (usage printed).
 */
import { Command, CommanderError, Help, type Option } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { RafikiClientError } from '../client/index.ts';
import { inOptionTerms } from './api-fields.ts';
import { RELOGIN_HINT } from './credentials.ts';
import { registerDatasets } from './datasets.ts';
import { registerInference } from './inference.ts';
import { CliExit, EXIT } from './exit.ts';
import { registerLogin } from './login.ts';
import { registerModels } from './models.ts';
import { registerPredict } from './predict.ts';
import { registerTestModel } from './test-model.ts';
import { registerTrain } from './train.ts';
import { registerTrials } from './trials.ts';
import { registerUsers } from './users.ts';

/** Each adds its commands to the program; a new group is one file and one entry here. */
const GROUPS: ((program: Command) => void)[] = [registerLogin, registerUsers, registerModels, registerDatasets, registerTrain, registerTrials, registerInference, registerPredict, registerTestModel];

export function buildProgram(): Command {
  const program = new Command('rafiki')
    .description('Rafiki: machine learning as a service')
    .version(pkg.version)
    // Else `rafiki train status app --version 2` would be taken as the program's --version.
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', '\nStart with: rafiki login --admin http://localhost:3000 --email you@example.com\nEvery command takes --help, and --json to print its raw JSON result.\nExit codes: 0 done, 1 failed (the reason is printed), 2 called wrongly (the usage is printed).')
    .exitOverride()
    .configureHelp({ commandUsage: usage, optionDescription: describeOption });
  // Subcommands inherit the settings above, exitOverride included, when made after them.
  for (const register of GROUPS) register(program);
  return program;
}

/** Commander's usage line, with the required options spelled out: `rafiki users create --email <email> … [options]`. */
function usage(command: Command): string {
  const text = new Help().commandUsage(command);
  const required = command.options.filter((option) => option.mandatory).map((option) => option.flags);
  return required.length === 0 ? text : text.replace(' [options]', ` ${required.join(' ')} [options]`);
}

/** Commander's description of an option, with `(required)` after it when the option is. */
function describeOption(option: Option): string {
  const text = new Help().optionDescription(option);
  return option.mandatory ? text.replace(option.description, `${option.description} (required)`) : text;
}

/** `train create` for `rafiki train create …`: the path of names below the program. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Runs the CLI on `argv` (the arguments after the program's name) and answers its exit code.
 *
 * @example
 * process.exitCode = await main(['datasets', 'list', '--json']);
 */
export async function main(argv: string[]): Promise<number> {
  let command = '';
  let given: Record<string, string> = {};
  try {
    await buildProgram()
      .hook('preAction', (_program, action) => {
        command = commandPath(action);
        // The values of its arguments, by their placeholders (`<file>`), for messages about them.
        given = Object.fromEntries(action.registeredArguments.map((arg, i) => [`<${arg.name()}>`, String(action.processedArgs[i] ?? '')]));
      })
      .parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CliExit) return err.code;
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    const message = err instanceof Error ? err.message : String(err);
    console.error(`rafiki: ${err instanceof RafikiClientError && err.status === 400 ? inOptionTerms(message, command, given) : message}`);
    if (err instanceof RafikiClientError && err.status === 401) console.error(`rafiki: ${RELOGIN_HINT}`);
    return EXIT.FAILED;
  }
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
