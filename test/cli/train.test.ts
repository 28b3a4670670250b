/** `rafiki train` and `rafiki trials`: real train jobs of a tiny template on iris, driven from subprocesses. */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUPERADMIN, startTestAdmin, type TestAdmin } from '../support/admin.ts';
import { bytes } from '../../src/cli/output.ts';
import { bundleTemplate } from '../support/services.ts';
import { cli, IRIS, ROOT, TASK, TINY, type Cli } from './support.ts';

const SOFTMAX = join(ROOT, 'models/softmax_regression.ts');

setDefaultTimeout(120_000);

/** TinyCentroid that also plots a loss per epoch, or fails every trial; TinyCentroid inlined, as an upload is one module. */
const TEMPLATES = `
import type { Dataset, TrainContext } from 'rafiki/model';
${new TextDecoder().decode(await bundleTemplate(TINY))}
export class PlottedCentroid extends TinyCentroid {
  override async train(data: Dataset, ctx: TrainContext): Promise<void> {
    ctx.definePlot('Loss', ['loss'], 'epoch');
    for (let epoch = 1; epoch <= 5; epoch++) ctx.log({ epoch, loss: 1 / epoch });
    await super.train(data, ctx);
  }
}
export class Fails extends TinyCentroid {
  override async train(): Promise<void> {
    throw new Error('this template always fails');
  }
}
`;

let t: TestAdmin;
let rafiki: Cli;
const scratch = mkdtempSync(join(tmpdir(), 'rafiki-cli-train-'));
const ids = { dataset: '', plotted: '', fails: '', softmax: '' };

beforeAll(async () => {
  t = await startTestAdmin('embedded');
  rafiki = cli();
  const file = join(scratch, 'templates.ts');
  writeFileSync(file, TEMPLATES);
  // The CLI's own upload commands are tested elsewhere; the SDK sets the stage faster.
  ids.dataset = (await t.superadmin.createDataset({ name: 'iris', task: TASK, file: IRIS })).id;
  ids.plotted = (await t.superadmin.createModel({ name: 'plotted', task: TASK, file, modelClass: 'PlottedCentroid' })).id;
  ids.fails = (await t.superadmin.createModel({ name: 'fails', task: TASK, file, modelClass: 'Fails' })).id;
  ids.softmax = (await t.superadmin.createModel({ name: 'softmax', task: TASK, file: await bundleTemplate(SOFTMAX), modelClass: 'SoftmaxRegression' })).id;
  expect((await rafiki.run(['login', '--admin', t.admin.url, '--email', SUPERADMIN.email, '--password', SUPERADMIN.password])).code).toBe(0);
});
afterAll(async () => {
  rafiki.dispose();
  rmSync(scratch, { recursive: true, force: true });
  await t.dispose();
});

const create = (app: string, model: string, ...more: string[]) =>
  rafiki.run(['train', 'create', '--app', app, '--task', TASK, '--train', ids.dataset, '--val', ids.dataset, '--models', model, ...more]);

describe('rafiki train and trials', () => {
  test('create, watch to the end, status, list; trials list, best, get, logs with a chart', async () => {
    // A column the dataset does not have is refused at once, in the option's name, and uses up no version.
    const wrong = await create('iris', ids.plotted, '--target', 'colour');
    expect([wrong.code, wrong.stderr.trim()]).toEqual([1, 'rafiki: --target: dataset iris has no column "colour" (its columns are "sepal_length", "sepal_width", "petal_length", "petal_width", "class")']);
    const created = await create('iris', ids.plotted, '--trials', '3', '--hours', '0.5', '--workers', '1', '--target', 'class',
      '--features', 'sepal_length,sepal_width,petal_length,petal_width', '--json');
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({
      app: 'iris', app_version: 1, budget: { MODEL_TRIAL_COUNT: 3, TIME_HOURS: 0.5, WORKER_COUNT: 1 },
      train_args: { target: 'class', features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] },
    });

    const watch = await rafiki.run(['train', 'watch', 'iris', '--interval', '100']);
    expect(watch.code).toBe(0);
    const lines = watch.stdout.trim().split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^train job iris v1 STOPPED · plotted 3\/3 trials · best \d\.\d{4} \(plotted trial \d\) · running: none$/));
    const table = lines.slice(lines.indexOf('') + 1);
    expect(table[0]).toMatch(/^NO +MODEL +STATUS +SCORE +DURATION +KNOBS$/);
    expect(table.slice(1).map((row) => row.trim().split(/ +/).slice(0, 2))).toEqual([['1', 'plotted'], ['2', 'plotted'], ['3', 'plotted']]);
    expect(table[1]).toMatch(/metric=\w+ shrink=[\d.e-]+ temperature=[\d.]+$/);

    const [status, statusText, listAll, listApp, trials, best] = await Promise.all([
      rafiki.run(['train', 'status', 'iris', '--json']),
      rafiki.run(['train', 'status', 'iris', '--version', '1']),
      rafiki.run(['train', 'list', '--json']),
      rafiki.run(['train', 'list', 'iris']),
      rafiki.run(['trials', 'list', 'iris', '--json']),
      rafiki.run(['trials', 'list', 'iris', '--version', '1', '--best', '1', '--json']),
    ]);
    expect(status.json).toMatchObject({ app: 'iris', app_version: 1, status: 'STOPPED', sub_train_jobs: [{ model_name: 'plotted', status: 'STOPPED', trials: 3 }] });
    expect(statusText.stdout).toMatch(/^status: +STOPPED$/m);
    expect(statusText.stdout).toMatch(/^plotted +STOPPED +3 +1 /m);
    expect(listAll.json.map((j: { app: string; app_version: number }) => [j.app, j.app_version])).toEqual([['iris', 1]]);
    expect(listApp.stdout).toMatch(/^APP +VERSION +TASK +STATUS +STARTED +DURATION +ID\niris +1 +TABULAR_CLASSIFICATION +STOPPED /);
    expect(trials.json).toHaveLength(3);
    const top = Math.max(...trials.json.map((x: { score: number }) => x.score));
    expect(best.json).toHaveLength(1);
    expect(best.json[0].score).toBe(top);

    const trialId: string = best.json[0].id;
    const [get, getText, logs, logsText] = await Promise.all([
      rafiki.run(['trials', 'get', trialId, '--json']),
      rafiki.run(['trials', 'get', trialId]),
      rafiki.run(['trials', 'logs', trialId, '--json']),
      rafiki.run(['trials', 'logs', trialId]),
    ]);
    expect(get.json).toEqual(best.json[0]);
    expect(getText.stdout).toContain(`score:      ${top.toFixed(4)}`);
    expect(logs.json.plots).toEqual([{ title: 'Loss', metrics: ['loss'], x_axis: 'epoch' }]);
    expect(logs.json.metrics).toHaveLength(5);
    expect(logsText.stdout).toMatch(/^messages:\n {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}fitted 3 centroids$/m);
    expect(logsText.stdout).toContain('Loss: loss (5 points, epoch 1 → 5)');
    // The loss falls from 1 to 0.2: drawn from the top left down to the bottom right.
    expect(logsText.stdout).toMatch(/^1\.000 ┤─╮$/m);
    expect(logsText.stdout).toMatch(/^0\.200 ┼ +╰─$/m);

    const again = await rafiki.run(['train', 'watch', 'iris', '--json']);
    expect(again.code).toBe(0);
    expect(again.json.train_job.status).toBe('STOPPED');
    expect(again.json.trials).toHaveLength(3);
  });

  test('on a terminal, watch draws a progress panel, then the table', async () => {
    expect((await create('iris', ids.plotted, '--trials', '2')).code).toBe(0);
    const { code, output } = await rafiki.runOnTty(['train', 'watch', 'iris', '--interval', '100']);
    expect(code).toBe(0);
    expect(output).toMatch(/train job iris v2 {2}STOPPED {2}\S+ of its 6m00s budget\r\n {2}MODEL +STATUS +TRIALS +BEST\r\n {2}plotted +STOPPED +2\/2 +\d\.\d{4}\r\nbest so far: /);
    expect(output).toMatch(/NO +MODEL +STATUS +SCORE +DURATION +KNOBS\r\n +1 +plotted /);
    expect(output).not.toContain(' · ');
  });

  test('a job whose every trial fails: watch exits 1 with the reason', async () => {
    expect((await create('broken', ids.fails)).code).toBe(0);
    const watch = await rafiki.run(['train', 'watch', 'broken', '--interval', '100']);
    expect(watch.stderr).toContain('rafiki: train job broken v1 ERRORED: 5 trials failed in a row; the last: this template always fails');
    expect(watch.stdout).toMatch(/^ +1 +fails +ERRORED +- /m);
    expect(watch.code).toBe(1);
    // A failed trial's details say where the template failed: its stack.
    const [failed] = (await rafiki.run(['trials', 'list', 'broken', '--json'])).json;
    const details = await rafiki.run(['trials', 'get', failed.id]);
    expect(details.stdout).toMatch(/^where it failed:\n  Error: this template always fails\n  at .*train/m);
  });

  test("trials export saves a trial's ONNX model; a template without ONNX exits 1 with the reason", async () => {
    expect((await create('exported', `${ids.softmax},${ids.plotted}`, '--trials', '1')).code).toBe(0);
    expect((await rafiki.run(['train', 'watch', 'exported', '--interval', '100'])).code).toBe(0);
    const trials = (await rafiki.run(['trials', 'list', 'exported', '--json'])).json as { id: string; status: string; model_name: string }[];
    const trial = trials.find((x) => x.model_name === 'softmax');
    expect(trial!.status).toBe('COMPLETED');
    const path = join(scratch, 'exported.onnx');
    const saved = await rafiki.run(['trials', 'export', trial!.id, '-o', path, '--json']);
    expect(saved.code).toBe(0);
    const onnx = await t.superadmin.downloadTrialOnnx(trial!.id);
    expect(saved.json).toEqual({ id: trial!.id, path, size_bytes: onnx.byteLength });
    expect(Buffer.from(onnx).equals(readFileSync(path))).toBe(true);
    const text = await rafiki.run(['trials', 'export', trial!.id, '-o', path]);
    expect(text.stdout).toBe(`saved trial ${trial!.id}'s ONNX model (${bytes(onnx.byteLength)}) to ${path}\n`);

    const plotted = trials.find((x) => x.model_name === 'plotted');
    const none = await rafiki.run(['trials', 'export', plotted!.id, '-o', join(scratch, 'none.onnx')]);
    expect([none.code, none.stderr]).toEqual([1, expect.stringContaining('has no ONNX model: its template plotted does not export one')]);
    expect(existsSync(join(scratch, 'none.onnx'))).toBe(false);
  });

  test('stop ends a job with no trial limit', async () => {
    expect((await create('endless', ids.plotted)).code).toBe(0);
    const stop = await rafiki.run(['train', 'stop', 'endless', '--json']);
    expect(stop.code).toBe(0);
    expect(stop.json).toMatchObject({ app: 'endless', app_version: 1 });
    const watch = await rafiki.run(['train', 'watch', 'endless', '--json', '--interval', '100']);
    expect(watch.code).toBe(0);
    expect(watch.json.train_job.status).toBe('STOPPED');
  });

  test("failed calls: exit 1 with the Admin's message; bad arguments: exit 2 with what is expected", async () => {
    const missing = await rafiki.run(['train', 'status', 'no-such-app']);
    expect(missing.stderr).toMatch(/^rafiki: .*no-such-app/);
    expect(missing.code).toBe(1);
    const wrongDataset = await rafiki.run(['train', 'create', '--app', 'x', '--task', TASK, '--train', crypto.randomUUID(), '--val', ids.dataset, '--models', ids.plotted]);
    expect(wrongDataset.stderr).toContain('train_dataset_id: dataset');
    expect(wrongDataset.code).toBe(1);
    const noTrial = await rafiki.run(['trials', 'logs', crypto.randomUUID()]);
    expect(noTrial.stderr).toMatch(/^rafiki: .*not found/);
    expect(noTrial.code).toBe(1);

    const usage: [string[], string][] = [
      [['train', 'create', '--app', 'x', '--task', TASK, '--train', ids.dataset, '--val', ids.dataset], "required option '--models <ids>' not specified"],
      [['train', 'create', '--app', 'x', '--task', TASK, '--train', ids.dataset, '--val', ids.dataset, '--models', ids.plotted, '--trials', '0'], 'expected a positive number of trials, or -1 for no limit, got 0'],
      [['train', 'create', '--app', 'x', '--task', TASK, '--train', ids.dataset, '--val', ids.dataset, '--models', ids.plotted, '--hours', 'soon'], 'expected a number > 0, got soon'],
      [['train', 'status', 'iris', '--version', '0'], 'expected an app version (1, 2, … or -1 for the latest), got 0'],
      [['train', 'watch', 'iris', '--interval', 'fast'], 'expected an integer, got fast'],
      [['trials', 'list', 'iris', '--best', '0'], 'expected a positive integer, got 0'],
      [['trials', 'list'], "missing required argument 'app'"],
    ];
    for (const [args, message] of usage) {
      const run = await rafiki.run(args);
      expect(run.stderr).toContain(message);
      expect(run.code).toBe(2);
    }
  });
});
