/** The CLI's text building blocks, in-process: tables, charts, progress, the watch panel, where the login is kept. */
import { describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { TrainJobJson, TrialJson } from '../../src/client/index.ts';
import { configDir, tokenExpiry } from '../../src/cli/credentials.ts';
import { bytes, duration, knobsSummary } from '../../src/cli/output.ts';
import { lineChart } from '../../src/cli/plot.ts';
import { counted, ProgressBar, renderBar } from '../../src/cli/progress.ts';
import { details, table } from '../../src/cli/table.ts';
import { progress } from '../../src/cli/watch.ts';
import { inOptionTerms } from '../../src/cli/api-fields.ts';
import { renderLogs } from '../../src/cli/trials.ts';

setDefaultTimeout(120_000);

describe('table', () => {
  test('aligns columns, right-aligns numbers, cuts long cells, shows blanks as -', () => {
    const rows = [{ name: 'iris', n: 150, note: null }, { name: 'a much longer name', n: 7, note: 'x' }];
    expect(table(rows, [{ header: 'name', value: (r) => r.name, max: 10 }, { header: 'n', value: (r) => r.n }, { header: 'note', value: (r) => r.note }])).toBe(
      ['NAME          N  NOTE', 'iris        150  -', 'a much lo…    7  x'].join('\n'),
    );
    expect(details([['id', 'abc'], ['error', null]])).toBe('id:     abc\nerror:  -');
  });

  test("a fill column takes what the width leaves, at least 20 characters, and is whole without a width", () => {
    const knobs = 'lr=0.00123 units=64 act=relu dropout=0.25 batch=32 epochs=40 optimiser=adam'; // 75 characters
    const columns = [{ header: 'no', value: (r: { no: number }) => r.no }, { header: 'knobs', value: () => knobs, fill: true }, { header: 'id', value: () => 'abc' }];
    const rows = [{ no: 1 }];
    // 2 + 2 + knobs + 2 + 3 columns
    expect(table(rows, columns, { width: 160 }).split('\n')[1]).toBe(` 1  ${knobs}  abc`);
    expect(table(rows, columns, { width: 60 }).split('\n')[1]).toBe(` 1  ${knobs.slice(0, 50)}…  abc`);
    expect(table(rows, columns, { width: 10 }).split('\n')[1]).toBe(` 1  ${knobs.slice(0, 19)}…  abc`);
    expect(table(rows, columns).split('\n')[1]).toBe(` 1  ${knobs}  abc`);
  });
});

describe('errors in the terms of the command line', () => {
  test("the Admin's field names become the options that sent them, for the command that ran", () => {
    expect(inOptionTerms("body: 'train_dataset_id' must be a dataset id", 'train create')).toBe('--train must be a dataset id');
    expect(inOptionTerms('model_ids: model x is for IMAGE_CLASSIFICATION, not TABULAR_CLASSIFICATION', 'train create')).toBe('--models: model x is for IMAGE_CLASSIFICATION, not TABULAR_CLASSIFICATION');
    expect(inOptionTerms("body: 'budget.TIME_HOURS' must be a number > 0", 'train create')).toBe('--hours must be a number > 0');
    expect(inOptionTerms("body: 'budget.MODEL_COUNT' must be an integer ≥ 1", 'inference create')).toBe('--models must be an integer ≥ 1');
    expect(inOptionTerms("params: 'app_version' must be an integer", 'trials list')).toBe('--version must be an integer');
    expect(inOptionTerms("form: 'model_class' is required (a string)", 'models upload')).toBe('--class is required (a string)');
    expect(inOptionTerms('you already have a model named tiny', 'models upload')).toBe('you already have a model named tiny');
    expect(inOptionTerms("body: 'model_ids.0' must be a model id", 'train create')).toBe('--models must be a model id');
    expect(inOptionTerms('train_args.target: dataset iris has no column "colour"', 'train create')).toBe('--target: dataset iris has no column "colour"');
    // A message about an argument names the value given for it.
    expect(inOptionTerms('model_file_bytes: knn.ts exports no class named "Knn"', 'models upload', { '<file>': 'my/knn.ts' })).toBe('my/knn.ts: knn.ts exports no class named "Knn"');
  });
});

describe('renderLogs', () => {
  test('metrics a template logged without a plot are listed with their count and last value', () => {
    const text = renderLogs({
      plots: [{ title: 'Loss', metrics: ['loss'], x_axis: 'epoch' }],
      metrics: [{ time: '2026-11-27T09:00:00.000Z', epoch: 1, loss: 0.5, trainAccuracy: 0.9 }, { time: '2026-11-27T09:00:01.000Z', epoch: 2, loss: 0.3, trainAccuracy: 0.995 }],
      messages: [],
    });
    expect(text).toContain('Loss: loss (2 points, epoch 1 → 2)');
    expect(text).toEndWith('metrics without a plot:\n  trainAccuracy: 2 values, last 0.995');
  });
});

describe('lineChart', () => {
  test('draws a rising series with labelled levels', () => {
    expect(lineChart([0.2, 0.5, 0.7, 0.8], { height: 4 })).toBe(['0.800 ┤   ╭', '0.650 ┤  ╭╯', '0.500 ┤ ╭╯', '0.350 ┤ │', '0.200 ┼─╯'].join('\n'));
  });

  test('a flat series is one line; long series are averaged down to the width; nothing to draw is said', () => {
    expect(lineChart([3, 3, 3])).toBe('3.00 ┼───');
    const chart = lineChart(Array.from({ length: 500 }, (_, i) => i), { width: 40, height: 5 });
    expect(Math.max(...chart.split('\n').map((line) => line.split(/[┤┼]/)[1]!.length))).toBe(40);
    expect(lineChart([Number.NaN])).toBe('(no values)');
    expect(() => lineChart([1], { height: 0 })).toThrow('height and width must be ≥ 1, got 0 and 60');
  });
});

describe('progress', () => {
  test('counted passes every chunk on and reports the running total', async () => {
    async function* source() {
      yield new Uint8Array(3);
      yield new Uint8Array(4);
    }
    const seen: number[] = [];
    const chunks: number[] = [];
    for await (const chunk of counted(source(), (sent) => seen.push(sent))) chunks.push(chunk.byteLength);
    expect(chunks).toEqual([3, 4]);
    expect(seen).toEqual([3, 7]);
  });

  test('the bar shows the fraction, the bytes sent and the total, on one rewritten line', () => {
    expect(renderBar(512, 2048, 8)).toBe('[██░░░░░░]  25%  512 B / 2.0 KB');
    expect(renderBar(0, 0, 4)).toBe('[████] 100%  0 B / 0 B');
    let written = '';
    const bar = new ProgressBar({ write: (text: string) => (written += text) }, 2048, 'iris.csv', 0);
    bar.update(1024);
    bar.done();
    expect(written).toBe(`\r\x1b[2Kiris.csv ${renderBar(1024, 2048)}\r\x1b[2Kiris.csv ${renderBar(1024, 2048)}\n`);
  });
});

describe('the watch panel', () => {
  const start = '2026-01-01T00:00:00.000Z';
  const job = {
    app: 'iris', app_version: 2, status: 'RUNNING', budget: { MODEL_TRIAL_COUNT: 4, TIME_HOURS: 0.1 }, datetime_started: start, datetime_stopped: null,
    sub_train_jobs: [{ model_id: 'm1', model_name: 'tiny', status: 'RUNNING' }, { model_id: 'm2', model_name: 'mlp', status: 'RUNNING' }],
  } as unknown as TrainJobJson;
  const trial = (no: number, model: string, status: string, score: number | null) =>
    ({ no, model_id: model, model_name: model === 'm1' ? 'tiny' : 'mlp', status, score, datetime_started: start, datetime_stopped: null }) as unknown as TrialJson;

  test('trials done against the budget per template, the best so far, the running trials', () => {
    const trials = [trial(1, 'm1', 'COMPLETED', 0.9), trial(2, 'm1', 'COMPLETED', 0.95), trial(3, 'm1', 'RUNNING', null), trial(1, 'm2', 'ERRORED', null)];
    const { lines, line } = progress(job, trials, Date.parse(start) + 65_000);
    expect(lines).toEqual([
      'train job iris v2  RUNNING  1m05s of its 6m00s budget',
      '  MODEL  STATUS   TRIALS  BEST',
      '  tiny   RUNNING  2/4     0.9500',
      '  mlp    RUNNING  1/4     -',
      'best so far: 0.9500 (tiny trial 2)',
      'running: tiny #3 (1m05s)',
    ]);
    expect(line).toBe('train job iris v2 RUNNING · tiny 2/4 trials · mlp 1/4 trials · best 0.9500 (tiny trial 2) · running: tiny #3');
  });
});

describe('formatting and the login file', () => {
  test('durations, sizes, knobs', () => {
    expect([87, 1234, 184_000, 7_500_000].map(duration)).toEqual(['87ms', '1.2s', '3m04s', '2h05m']);
    expect([0, 1536, 5 * 1024 ** 3].map(bytes)).toEqual(['0 B', '1.5 KB', '5.0 GB']);
    expect(knobsSummary({ lr: 0.0012345, decay: 0.0000012, l2: 0.0001, units: 64, act: 'relu', bn: true })).toBe('lr=0.00123 decay=1.2e-6 l2=1e-4 units=64 act=relu bn=true');
  });

  test('the config directory: RAFIKI_CONFIG_DIR, else XDG_CONFIG_HOME/rafiki, else ~/.config/rafiki', () => {
    expect(configDir({ RAFIKI_CONFIG_DIR: '/a', XDG_CONFIG_HOME: '/b' })).toBe('/a');
    expect(configDir({ XDG_CONFIG_HOME: '/b' })).toBe('/b/rafiki');
    expect(configDir({})).toMatch(/\/\.config\/rafiki$/);
    const token = `e30.${Buffer.from(JSON.stringify({ exp: 2_000_000_000 })).toString('base64url')}.sig`;
    expect(tokenExpiry(token)?.toISOString()).toBe('2033-05-18T03:33:20.000Z');
    expect(tokenExpiry('not a token')).toBeUndefined();
  });
});
