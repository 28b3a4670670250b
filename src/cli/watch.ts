/**
 * `rafiki train watch`: polls a train job and shows its progress until it ends,
 * redrawn in place on a terminal, as a new line per change otherwise.
 */
import type { Client, TrainJobJson, TrialJson } from '../client/index.ts';
import { CliExit, EXIT } from './exit.ts';
import { duration, elapsed, score, terminalWidth } from './output.ts';
import { table } from './table.ts';
import { trialsTable } from './trials.ts';

export interface WatchOptions {
  app: string;
  /** -1: the latest when the watch starts. */
  version: number;
  intervalMs: number;
  /** Print only `{train_job, trials}` at the end. */
  json: boolean;
}

const ENDED = new Set(['STOPPED', 'ERRORED']);
const FINISHED_TRIAL = new Set(['COMPLETED', 'ERRORED', 'TERMINATED']);

/** Resolves when the job has STOPPED; throws CliExit(1) when it ERRORED. */
export async function watchTrainJob(client: Client, { app, version, intervalMs, json }: WatchOptions): Promise<void> {
  let job = await client.getTrainJob(app, version);
  // Pinned, so that a newer version started meanwhile does not take over the watch.
  const pinned = job.app_version;
  const screen = json ? undefined : new Screen(process.stdout.isTTY === true);
  let trials: TrialJson[];
  for (;;) {
    trials = await client.getTrials(app, pinned);
    screen?.show(progress(job, trials));
    if (ENDED.has(job.status)) break;
    await Bun.sleep(intervalMs);
    job = await client.getTrainJob(app, pinned);
  }
  if (json) {
    console.log(JSON.stringify({ train_job: job, trials }, null, 2));
  } else {
    console.log(`\n${trials.length === 0 ? 'no trials' : trialsTable([...trials].sort((a, b) => a.model_name.localeCompare(b.model_name) || a.no - b.no), { width: terminalWidth() })}`);
  }
  if (job.status === 'ERRORED') {
    const reason = job.error ?? (job.sub_train_jobs ?? []).filter((s) => s.error).map((s) => `${s.model_name}: ${s.error}`).join('; ');
    console.error(`rafiki: train job ${app} v${pinned} ERRORED: ${reason || 'no reason given'}`);
    throw new CliExit(EXIT.FAILED);
  }
}

/**
 * The progress: the job, each template's trials against the budget, the best so far, the
 * running trials; `lines` for a terminal, `line` for a plain-text log.
 */
export function progress(job: TrainJobJson, trials: readonly TrialJson[], now = Date.now()): { lines: string[]; line: string } {
  const limit = job.budget.MODEL_TRIAL_COUNT ?? -1;
  const hours = job.budget.TIME_HOURS;
  const templates = (job.sub_train_jobs ?? []).map((sub) => {
    const own = trials.filter((t) => t.model_id === sub.model_id);
    const done = own.filter((t) => FINISHED_TRIAL.has(t.status)).length;
    return { name: sub.model_name, status: sub.status, done: `${done}/${limit < 0 ? '∞' : limit}`, best: bestOf(own) };
  });
  const best = bestOf(trials);
  const running = trials.filter((t) => t.status === 'RUNNING' || t.status === 'PENDING');
  const head = `train job ${job.app} v${job.app_version}  ${job.status}`;
  const bestText = best ? `${score(best.score)} (${best.model_name} trial ${best.no})` : '-';
  const runningText = running.map((t) => `${t.model_name} #${t.no}`).join(', ') || 'none';
  const lines = [
    `${head}  ${elapsed(job.datetime_started, job.datetime_stopped, now)}${hours === undefined ? '' : ` of its ${duration(hours * 3_600_000)} budget`}`,
    ...(templates.length === 0 ? [] : table(templates, [
      { header: 'model', value: (t) => t.name, max: 24 },
      { header: 'status', value: (t) => t.status },
      { header: 'trials', value: (t) => t.done },
      { header: 'best', value: (t) => score(t.best?.score) },
    ]).split('\n').map((row) => `  ${row}`)),
    `best so far: ${bestText}`,
    `running: ${running.map((t) => `${t.model_name} #${t.no} (${elapsed(t.datetime_started, null, now)})`).join(', ') || 'none'}`,
  ];
  // A plain-text log gets a new line when this changes: everything but the clocks.
  const line = [head.replace(/ +/g, ' '), ...templates.map((t) => `${t.name} ${t.done} trials`), `best ${bestText}`, `running: ${runningText}`].join(' · ');
  return { lines, line };
}

function bestOf(trials: readonly TrialJson[]): TrialJson | undefined {
  return trials.filter((t) => t.score !== null && t.status === 'COMPLETED').sort((a, b) => b.score! - a.score!)[0];
}

/** On a terminal, rewrites its previous lines; otherwise prints a line each time the state changes. */
class Screen {
  private drawn = 0;
  private lastLine = '';

  constructor(private readonly tty: boolean) {}

  show({ lines, line }: { lines: string[]; line: string }): void {
    if (this.tty) {
      // Up to the first line drawn last time, then clear to the end of the screen.
      const up = this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[0J` : '';
      process.stdout.write(`${up}${lines.join('\n')}\n`);
      this.drawn = lines.length;
    } else if (line !== this.lastLine) {
      console.log(line);
    }
    this.lastLine = line;
  }
}
