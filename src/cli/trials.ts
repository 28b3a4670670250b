/** `rafiki trials`: a train job's trials, one trial's details, its logs with metric charts, and its ONNX export. */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import type { TrialJson, TrialLogsJson } from '../client/index.ts';
import { positiveInteger, versionOption } from './args.ts';
import { loggedInClient } from './credentials.ts';
import { bytes, elapsed, knobsSummary, print, score, terminalWidth, when, withJson, type JsonFlag } from './output.ts';
import { lineChart } from './plot.ts';
import { details, table } from './table.ts';

export function registerTrials(program: Command): void {
  const trials = program.command('trials').description("a train job's trials: the models it trained, their knobs, scores and logs");

  withJson(trials
    .command('list')
    .description("a train job's trials, or its best ones")
    .argument('<app>', 'the app of the train job')
    .addOption(versionOption('the app version of the train job'))
    .option('--best <n>', 'only the n best completed trials, best first', positiveInteger))
    .action(async (app: string, flags: JsonFlag & { version: number; best?: number }) => {
      const client = loggedInClient();
      const list = flags.best === undefined ? await client.getTrials(app, flags.version) : await client.getBestTrials(app, flags.version, flags.best);
      print(flags, list, (rows) => (rows.length === 0 ? 'no trials yet' : trialsTable(rows, { ids: true, width: terminalWidth() })));
    });

  withJson(trials.command('get').description("a trial's details: model, status, score, knobs, and where a failed one failed").argument('<id>', 'the trial id'))
    .action(async (id: string, flags: JsonFlag) => {
      print(flags, await loggedInClient().getTrial(id), (t) => `${details([
        ['id', t.id], ['train job', `${t.app} v${t.app_version}`], ['no', t.no], ['model', `${t.model_name} version ${t.model_version} (${t.model_id})`],
        ['status', t.status], ['score', score(t.score)], ['error', t.error], ['started', when(t.datetime_started)],
        ['stopped', when(t.datetime_stopped)], ['duration', elapsed(t.datetime_started, t.datetime_stopped)],
      ])}\nknobs:\n${Object.entries(t.knobs).map(([name, value]) => `  ${name}: ${value}`).join('\n') || '  none'}${
        t.error_stack ? `\nwhere it failed:\n${t.error_stack.split('\n').map((line) => `  ${line.trim()}`).join('\n')}` : ''}`);
    });

  withJson(trials
    .command('export')
    .description("download a trial's trained model as ONNX, to serve with onnxruntime or any ONNX runtime")
    .argument('<id>', 'the trial id')
    .option('-o, --output <file>', 'write it to this file, or - for standard output (default: <id>.onnx)'))
    .action(async (id: string, flags: JsonFlag & { output?: string }) => {
      const onnx = await loggedInClient().downloadTrialOnnx(id);
      if (flags.output === '-') {
        process.stdout.write(onnx);
        return;
      }
      const path = flags.output ?? `${id}.onnx`;
      writeFileSync(path, onnx);
      print(flags, { id, path, size_bytes: onnx.byteLength }, (r) => `saved trial ${r.id}'s ONNX model (${bytes(r.size_bytes)}) to ${r.path}`);
    });

  withJson(trials.command('logs').description("a trial's messages, and its plots drawn as charts").argument('<id>', 'the trial id'))
    .action(async (id: string, flags: JsonFlag) => {
      print(flags, await loggedInClient().getTrialLogs(id), renderLogs);
    });
}

/** The table of trials that `trials list` and `train watch` print; the knobs fill what `width` leaves. */
export function trialsTable(trials: readonly TrialJson[], { ids = false, width }: { ids?: boolean; width?: number } = {}): string {
  return table(trials, [
    { header: 'no', value: (t) => t.no },
    { header: 'model', value: (t) => t.model_name, max: 24 },
    { header: 'status', value: (t) => t.status },
    { header: 'score', value: (t) => score(t.score) },
    { header: 'duration', value: (t) => elapsed(t.datetime_started, t.datetime_stopped) },
    { header: 'knobs', value: (t) => knobsSummary(t.knobs), fill: true },
    ...(ids ? [{ header: 'id', value: (t: TrialJson) => t.id }] : []),
  ], { width });
}

/** Messages first, then each plot's metrics, one chart per metric against the plot's x axis (else time). */
export function renderLogs(logs: TrialLogsJson): string {
  const sections = [
    logs.messages.length === 0 ? 'no messages' : ['messages:', ...logs.messages.map((m) => `  ${when(m.time)}  ${m.message}`)].join('\n'),
  ];
  for (const plot of logs.plots) {
    const xAxis = plot.x_axis ?? 'time';
    for (const metric of plot.metrics) {
      const points = logs.metrics
        .filter((entry) => typeof entry[metric] === 'number' && entry[xAxis] !== undefined)
        .map((entry) => ({ x: entry[xAxis]!, y: entry[metric] as number }));
      if (plot.x_axis !== null && points.every((p) => typeof p.x === 'number')) points.sort((a, b) => (a.x as number) - (b.x as number));
      const range = points.length === 0 ? '' : ` (${points.length} points, ${xAxis} ${format(points[0]!.x)} → ${format(points.at(-1)!.x)})`;
      sections.push(`${plot.title}: ${metric}${range}\n${lineChart(points.map((p) => p.y), { height: 8, width: 60 })}`);
    }
  }
  // What the template logged but drew no plot of: each metric's count and last value.
  const plotted = new Set(logs.plots.flatMap((plot) => [...plot.metrics, plot.x_axis ?? 'time']));
  const unplotted = new Map<string, { count: number; last: number }>();
  for (const entry of logs.metrics) {
    for (const [name, value] of Object.entries(entry)) {
      if (plotted.has(name) || name === 'time' || typeof value !== 'number') continue;
      unplotted.set(name, { count: (unplotted.get(name)?.count ?? 0) + 1, last: value });
    }
  }
  if (unplotted.size > 0) {
    sections.push(['metrics without a plot:', ...[...unplotted].map(([name, { count, last }]) => `  ${name}: ${count} value${count === 1 ? '' : 's'}, last ${format(last)}`)].join('\n'));
  }
  return sections.join('\n\n');
}

const format = (x: number | string) => (typeof x === 'number' ? String(Number(x.toPrecision(4))) : when(x));
