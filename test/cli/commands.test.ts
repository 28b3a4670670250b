/**
 * Every command of the `rafiki` program, found by walking the program itself: its `--help` runs
 * and reads consistently, and its `--json` output parses. A command added later without a run
 * below fails the --json test by name.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { Command } from 'commander';
import { buildProgram, main } from '../../src/cli/index.ts';
import { SUPERADMIN, startTestAdmin, type TestAdmin } from '../support/admin.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SOFTMAX } from '../support/train-jobs.ts';
import { cli, IRIS, TASK, TINY, type Cli } from './support.ts';

setDefaultTimeout(240_000);

/** Every command below the program, as the words that call it (`['train', 'create']`), the program itself first. */
function commands(command: Command = buildProgram(), path: string[] = []): { path: string[]; command: Command }[] {
  return [{ path, command }, ...command.commands.flatMap((sub) => commands(sub, [...path, sub.name()]))];
}

/** Runs the CLI in this process and answers what it printed on stdout. */
async function inProcess(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await main(argv), stdout };
  } finally {
    process.stdout.write = write;
  }
}

describe('--help', () => {
  test('every command prints its usage and exits 0', async () => {
    for (const { path } of commands()) {
      const { code, stdout } = await inProcess([...path, '--help']);
      expect({ path, code }).toEqual({ path, code: 0 });
      expect(stdout).toStartWith(`Usage: ${['rafiki', ...path].join(' ')} `);
    }
  });

  test('options read alike everywhere: one default each, required ones marked and in the usage line, one name for an app version', () => {
    for (const { path, command } of commands()) {
      const help = command.createHelp();
      for (const option of command.options) {
        const text = help.optionDescription(option);
        const where = `rafiki ${path.join(' ')} ${option.flags}: ${text}`;
        expect(text.match(/\bdefault:/g)?.length ?? 0, where).toBeLessThanOrEqual(1);
        expect(text.includes('(required)'), where).toBe(option.mandatory);
        if (option.mandatory) expect(help.commandUsage(command), where).toContain(` ${option.flags} `);
        if (option.long === '--version' && path.length > 0) expect(option.flags, where).toBe('--version <version>');
      }
    }
  });
});

describe('--json', () => {
  let t: TestAdmin;
  let rafiki: Cli;
  beforeAll(async () => {
    t = await startTestAdmin('embedded');
    rafiki = cli();
  });
  afterAll(async () => {
    rafiki?.dispose();
    await t?.dispose();
  });

  test("every command's --json output parses, run in the order a user would", async () => {
    const ids: Record<string, string> = {};
    const json = async (args: string[]) => {
      const run = await rafiki.run([...args, '--json']);
      expect({ args, code: run.code, stderr: run.stderr }).toMatchObject({ args, code: 0 });
      expect(() => JSON.parse(run.stdout), `rafiki ${args.join(' ')} --json printed ${run.stdout}`).not.toThrow();
      return run.json;
    };
    const query = '{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}';
    // One run per command that takes --json, keyed by its words; each may use what the ones before it made.
    const runs: [string, () => Promise<unknown>][] = [
      ['login', () => json(['login', '--admin', t.admin.url, '--email', SUPERADMIN.email, '--password', SUPERADMIN.password])],
      ['whoami', () => json(['whoami'])],
      ['users create', async () => ((ids.user = (await json(['users', 'create', '--email', 'dev@example.com', '--password', 'a long password', '--type', 'APP_DEVELOPER'])).email))],
      ['users list', () => json(['users', 'list'])],
      ['models upload', async () => ((ids.model = (await json(['models', 'upload', TINY, '--name', 'tiny', '--task', TASK, '--class', 'TinyCentroid'])).id))],
      ['models list', () => json(['models', 'list'])],
      ['models get', () => json(['models', 'get', ids.model!])],
      ['models download', () => json(['models', 'download', ids.model!])],
      ['datasets upload', async () => ((ids.dataset = (await json(['datasets', 'upload', IRIS, '--name', 'iris', '--task', TASK])).id))],
      ['datasets list', () => json(['datasets', 'list'])],
      ['datasets get', () => json(['datasets', 'get', ids.dataset!])],
      ['train create', () => json(['train', 'create', '--app', 'iris', '--task', TASK, '--train', ids.dataset!, '--val', ids.dataset!, '--models', ids.model!, '--trials', '2'])],
      ['train watch', () => json(['train', 'watch', 'iris', '--interval', '200'])],
      ['train status', () => json(['train', 'status', 'iris'])],
      ['train list', () => json(['train', 'list'])],
      ['trials list', async () => ((ids.trial = (await json(['trials', 'list', 'iris', '--best', '1']))[0].id))],
      ['trials get', () => json(['trials', 'get', ids.trial!])],
      ['trials logs', () => json(['trials', 'logs', ids.trial!])],
      // TinyCentroid exports no ONNX: a trial of a template that does.
      ['trials export', async () => {
        const softmax = (await json(['models', 'upload', SOFTMAX, '--name', 'softmax', '--task', TASK, '--class', 'SoftmaxRegression'])).id;
        await json(['train', 'create', '--app', 'onnx', '--task', TASK, '--train', ids.dataset!, '--val', ids.dataset!, '--models', softmax, '--trials', '1']);
        await json(['train', 'watch', 'onnx', '--interval', '200']);
        const [best] = await json(['trials', 'list', 'onnx', '--best', '1']);
        return json(['trials', 'export', best.id, '-o', join(tmpdir(), `rafiki-export-${crypto.randomUUID()}.onnx`)]);
      }],
      ['inference create', () => json(['inference', 'create', 'iris'])],
      ['inference status', () => json(['inference', 'status', 'iris'])],
      ['inference list', () => json(['inference', 'list'])],
      ['predict', () => json(['predict', 'iris', '--query', query])],
      ['inference stop', () => json(['inference', 'stop', 'iris'])],
      ['train stop', async () => {
        await json(['train', 'create', '--app', 'endless', '--task', TASK, '--train', ids.dataset!, '--val', ids.dataset!, '--models', ids.model!]);
        return json(['train', 'stop', 'endless']);
      }],
      ['models delete', async () => json(['models', 'delete', (await json(['models', 'upload', TINY, '--name', 'spare', '--task', TASK, '--class', 'TinyCentroid'])).id])],
      ['datasets delete', async () => json(['datasets', 'delete', (await json(['datasets', 'upload', IRIS, '--name', 'spare', '--task', TASK])).id])],
      ['users ban', () => json(['users', 'ban', ids.user!])],
      ['test-model', () => json(['test-model', TINY, 'TinyCentroid', '--task', TASK, '--train', IRIS, '--val', IRIS, '--trials', '1'])],
      ['logout', () => json(['logout'])],
    ];
    const withJson = commands().filter(({ command }) => command.options.some((o) => o.long === '--json')).map(({ path }) => path.join(' '));
    expect(withJson.filter((name) => !runs.some(([run]) => run === name)), 'commands with --json and no run here: add one').toEqual([]);
    for (const [, run] of runs) await run();
  });

  test("the Admin's refusal names the option the user typed, not the API's field", async () => {
    expect((await rafiki.run(['login', '--admin', t.admin.url, '--email', SUPERADMIN.email, '--password', SUPERADMIN.password])).code).toBe(0);
    const model = (await rafiki.run(['models', 'upload', TINY, '--name', 'named', '--task', TASK, '--class', 'TinyCentroid', '--json'])).json.id;
    const refused = await rafiki.run(['train', 'create', '--app', 'nope', '--task', TASK, '--train', 'not-an-id', '--val', 'not-an-id', '--models', model]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--train');
    expect(refused.stderr).not.toContain('train_dataset_id');
  });
});
