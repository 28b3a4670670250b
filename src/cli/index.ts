/**
 * The `rafiki` CLI: one file per command group registers its commands here.
 * Exit codes: 0 done, 1 failed (reason printed), 2 called wrongly (usage printed).
 */
import { Command, CommanderError } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { CliExit, EXIT } from './exit.ts';
import { registerTestModel } from './test-model.ts';

export function buildProgram(): Command {
  const program = new Command('rafiki')
    .description('Rafiki: machine learning as a service')
    .version(pkg.version)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerTestModel(program);
  return program;
}

/**
 * Runs the CLI on `argv` (the arguments after the program's name) and answers its exit code.
 *
 * @example
 * process.exitCode = await main(['test-model', 'models/tabular_mlp.ts', 'TabularMlp', '--task', 'TABULAR_CLASSIFICATION', ...]);
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CliExit) return err.code;
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    console.error(`rafiki: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.FAILED;
  }
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
