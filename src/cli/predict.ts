/** `rafiki predict`: queries to a running inference job, from a JSON file, the command line or standard input. */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { versionOption } from './args.ts';
import { loggedInClient } from './credentials.ts';
import { EXIT } from './exit.ts';
import type { LabelledPrediction } from '../common/protocols/predict.ts';
import { print, score, withJson, type JsonFlag } from './output.ts';

interface PredictFlags extends JsonFlag {
  version: number;
  query?: string;
  file?: string;
  host?: string;
}

/** A JSON array is a batch of queries; anything else is one query. */
function readQueries(text: string): { batch: boolean; queries: unknown[] } {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) && value.length > 0 && (typeof value[0] === 'object' && value[0] !== null)
    ? { batch: true, queries: value }
    : { batch: false, queries: [value] };
}

/** The predictor's own batch shape: `predictions`, and for a classification `labels` and `label_probabilities`. */
function batchJson(answers: LabelledPrediction[]) {
  const predictions = answers.map((a) => a.prediction);
  return answers.every((a) => a.label !== undefined)
    ? { predictions, labels: answers.map((a) => a.label!), label_probabilities: answers.map((a) => a.label_probability!) }
    : { predictions };
}

/** `setosa  0.9969` for a classification (labels padded to one width, so the probabilities line up); a regression's value as it is. */
function readable(answers: LabelledPrediction[]): string {
  const width = Math.max(0, ...answers.map((a) => a.label?.length ?? 0));
  return answers.map((a) => (a.label === undefined ? JSON.stringify(a.prediction) : `${a.label.padEnd(width)}  ${score(a.label_probability)}`)).join('\n');
}

export function registerPredict(program: Command): void {
  withJson(program
    .command('predict')
    .description("send queries to an app's running inference job over HTTP/2 and print each prediction: a class and its probability, or a value (--json: every class's probability too)")
    .argument('<app>', 'the app whose inference job answers')
    .addOption(versionOption('the app version of the inference job'))
    .option('--query <json>', 'one query, or a JSON array of queries (objects or arrays)')
    .option('--file <path>', 'read the query or queries from this JSON file (default: standard input)')
    .option('--host <host:port>', "the predictor's address, instead of asking the Admin")
    .addHelpText('after', `\nExamples:\n  rafiki predict iris --query '{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}'\n  echo '[[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]' | rafiki predict iris`))
    .action(async (app: string, flags: PredictFlags, command: Command) => {
      const text = flags.query ?? (flags.file ? readFileSync(flags.file, 'utf8') : await Bun.stdin.text());
      let parsed: ReturnType<typeof readQueries>;
      try {
        parsed = readQueries(text);
      } catch (error) {
        command.error(`error: the queries are not JSON: ${(error as Error).message}`, { exitCode: EXIT.USAGE });
      }
      const client = loggedInClient();
      try {
        const host = flags.host ?? (await client.getRunningInferenceJob(app, flags.version)).predictor_host;
        if (!host) command.error(`error: the inference job of ${app} has no predictor yet`, { exitCode: EXIT.FAILED });
        const answers = await client.predictBatchLabelled(host, parsed.queries);
        print(flags, parsed.batch ? batchJson(answers) : answers[0]!, () => readable(answers));
      } finally {
        client.close();
      }
    });
}
