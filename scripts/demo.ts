/**
 * `npm run demo` (or `bun run demo`): the whole of Rafiki on embedded defaults, in
 * one command. It starts the Admin (with PGlite and the in-process queue), creates
 * an app developer, uploads iris and a set of handwritten digits, tunes the
 * built-in templates on each while showing progress, deploys the best trials,
 * sends real queries over HTTP/2 and prints the predictions against the truth.
 *
 *   --keep-running   leave the stack up afterwards (Ctrl-C stops it)
 *   --fast           smaller budgets and datasets (what CI runs)
 *
 * Its data lives in RAFIKI_DATA_DIR (default .rafiki/demo), made afresh each run.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startAdmin } from '../src/admin/server.ts';
import { Client, type TrainJobJson } from '../src/client/index.ts';
import { configOrExit } from './lib/config.ts';
// The project's sample data: iris and digits from the `mnist` package (test/fixtures/README.md).
import { mnistDigits } from '../test/fixtures/mnist.ts';

const { values: flags } = parseArgs({ options: { 'keep-running': { type: 'boolean' }, fast: { type: 'boolean' } } });
const fast = flags.fast ?? false;
const ROOT = resolve(import.meta.dir, '..');

const say = (line = '') => console.log(line);
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

/** Iris shuffled with a fixed seed and split 80/20, each part a CSV with the header. */
function irisSplit(): { train: string; val: string; valRows: string[][]; header: string[] } {
  const [header, ...rows] = readFileSync(join(ROOT, 'test/fixtures/iris.csv'), 'utf8').trim().split(/\r?\n/);
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const shuffled = rows.map((row) => [random(), row] as const).sort((a, b) => a[0] - b[0]).map(([, row]) => row);
  const cut = Math.round(shuffled.length * 0.8);
  return {
    header: header!.split(','),
    train: [header, ...shuffled.slice(0, cut)].join('\n') + '\n',
    val: [header, ...shuffled.slice(cut)].join('\n') + '\n',
    valRows: shuffled.slice(cut).map((row) => row.split(',')),
  };
}

async function watch(client: Client, app: string, perModel: number): Promise<TrainJobJson> {
  let last = '';
  for (;;) {
    const job = await client.getTrainJob(app);
    const trials = await client.getTrials(app);
    const done = trials.filter((t) => t.status !== 'RUNNING').length;
    const best = Math.max(...trials.map((t) => (t.status === 'COMPLETED' ? t.score ?? -Infinity : -Infinity)));
    const total = perModel * (job.sub_train_jobs?.length ?? 1);
    const line = `  ${app}: ${done}/${total} trials done, best validation score ${Number.isFinite(best) ? best.toFixed(3) : '-'}`;
    if (line !== last) say((last = line));
    if (job.status === 'STOPPED' || job.status === 'ERRORED') return job;
    await Bun.sleep(500);
  }
}

const argmax = (values: number[]) => values.indexOf(Math.max(...values));

const started = performance.now();
// A fixed Advisor seed: the demo proposes, and so shows, the same trials every run. Its
// own lines say what happens; the Admin's request log (it polls twice a second) would drown them.
const env = { RAFIKI_ADVISOR_SEED: '7', RAFIKI_LOG_LEVEL: 'warn', ...process.env, RAFIKI_DATA_DIR: process.env.RAFIKI_DATA_DIR ?? join(ROOT, '.rafiki/demo') };
const config = configOrExit(env);
rmSync(config.dataDir, { recursive: true, force: true });
say(bold('Starting Rafiki on embedded defaults (PGlite, in-process queue)…'));
let admin;
try {
  admin = await startAdmin(config);
} catch (error) {
  if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
  say(`  port ${config.adminPort} is taken; using a free one`);
  admin = await startAdmin({ ...config, adminPort: 0 });
}

let failed = false;
try {
  const superadmin = new Client({ adminUrl: admin.url });
  const { password } = JSON.parse(readFileSync(join(config.dataDir, 'superadmin.json'), 'utf8')) as { password: string };
  await superadmin.login(config.superadminEmail, password);
  const developer = { email: 'developer@rafiki.demo', password: crypto.randomUUID() };
  await superadmin.createUser({ ...developer, userType: 'APP_DEVELOPER' });
  const client = new Client({ adminUrl: admin.url });
  await client.login(developer.email, developer.password);
  say(`  Admin ${admin.url}, app developer ${developer.email}`);

  const builtins = await client.getAvailableModels();
  const byName = (name: string) => builtins.find((m) => m.name === name)!.id;
  say(`  built-in templates: ${builtins.map((m) => m.name).join(', ')}`);

  say(bold('\nUploading datasets…'));
  const iris = irisSplit();
  const irisTrain = await client.createDataset({ name: 'iris-train', task: 'TABULAR_CLASSIFICATION', file: new TextEncoder().encode(iris.train) });
  const irisVal = await client.createDataset({ name: 'iris-val', task: 'TABULAR_CLASSIFICATION', file: new TextEncoder().encode(iris.val) });
  const digitsTrain = mnistDigits({ perDigit: fast ? 30 : 100 });
  const digitsVal = mnistDigits({ perDigit: fast ? 5 : 20, start: 200 });
  const mnistTrain = await client.createDataset({ name: 'digits-train', task: 'IMAGE_CLASSIFICATION', file: digitsTrain.zip });
  const mnistVal = await client.createDataset({ name: 'digits-val', task: 'IMAGE_CLASSIFICATION', file: digitsVal.zip });
  for (const d of [irisTrain, irisVal, mnistTrain, mnistVal]) {
    say(`  ${d.name}: ${d.stats.rows ?? d.stats.images} ${d.stats.rows ? 'rows' : 'images'}, classes ${d.stats.classes.join(' ')}`);
  }

  say(bold('\nTraining (the Advisor tunes each template within its budget)…'));
  const irisTrials = fast ? 3 : 6;
  const digitTrials = fast ? 2 : 4;
  await client.createTrainJob({
    app: 'iris', task: 'TABULAR_CLASSIFICATION', trainDatasetId: irisTrain.id, valDatasetId: irisVal.id,
    modelIds: [byName('SoftmaxRegression'), byName('TabularMlp')], budget: { MODEL_TRIAL_COUNT: irisTrials, WORKER_COUNT: 1, GPU_COUNT: 0 },
  });
  await client.createTrainJob({
    app: 'digits', task: 'IMAGE_CLASSIFICATION', trainDatasetId: mnistTrain.id, valDatasetId: mnistVal.id,
    modelIds: [byName('ImageMlp')], budget: { MODEL_TRIAL_COUNT: digitTrials, WORKER_COUNT: 1, GPU_COUNT: 0 },
  });
  const [irisJob, digitsJob] = await Promise.all([watch(client, 'iris', irisTrials), watch(client, 'digits', digitTrials)]);
  for (const job of [irisJob, digitsJob]) if (job.status !== 'STOPPED') throw new Error(`train job ${job.app} ended ${job.status}: ${job.error}`);
  for (const app of ['iris', 'digits']) {
    const [best] = await client.getBestTrials(app, -1, 1);
    say(`  ${app}: best trial ${best!.model_name} #${best!.no}, score ${best!.score!.toFixed(3)}, knobs ${JSON.stringify(best!.knobs)}`);
  }

  say(bold('\nDeploying the best trials…'));
  const irisInference = await client.createInferenceJob('iris');
  const digitsInference = await client.createInferenceJob('digits');
  say(`  iris predictor ${irisInference.predictor_host} (${irisInference.trial_ids.length} trials, averaged)`);
  say(`  digits predictor ${digitsInference.predictor_host}`);

  say(bold('\nQuerying over HTTP/2…'));
  const features = iris.header.slice(0, -1);
  const irisQueries = iris.valRows.map((row) => Object.fromEntries(features.map((name, i) => [name, Number(row[i])])));
  const irisPredictions = (await client.predictBatch(irisInference.predictor_host!, irisQueries)) as number[][];
  const irisClasses = irisVal.stats.classes;
  let right = 0;
  iris.valRows.forEach((row, i) => {
    const predicted = irisClasses[argmax(irisPredictions[i]!)]!;
    const truth = row.at(-1)!;
    if (predicted === truth) right++;
    if (i < 6) say(`  ${JSON.stringify(irisQueries[i])} → ${predicted.padEnd(10)} (true: ${truth})`);
  });
  say(`  iris accuracy on ${iris.valRows.length} held-out flowers: ${(right / iris.valRows.length).toFixed(3)}`);

  const digitPredictions = (await client.predictBatch(digitsInference.predictor_host!, digitsVal.samples.map((s) => s.pixels))) as number[][];
  const predictedDigits = digitPredictions.map(argmax);
  const digitRight = predictedDigits.filter((d, i) => d === digitsVal.samples[i]!.label).length;
  // Two images of each digit, in order, as a sample of the answers.
  const shown = predictedDigits.map((d, i) => [d, digitsVal.samples[i]!.label] as const).filter((_, i) => i % (digitsVal.samples.length / 20) === 0);
  say(`  digits: predicted ${shown.map(([d]) => d).join(' ')}`);
  say(`          true      ${shown.map(([, label]) => label).join(' ')}`);
  say(`  digits accuracy on ${digitsVal.samples.length} held-out images: ${(digitRight / digitsVal.samples.length).toFixed(3)}`);
  client.close();

  say(bold(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s.`));
  say(`  The app developer ${developer.email} uploaded iris and digits, tuned ${[irisJob, digitsJob].map((j) => `${j.sub_train_jobs?.map((s) => s.model_name).sort().join(' and ')} on ${j.app}`).join(', ')},`);
  say('  deployed the best trials and sent them the queries above.');
  say(`  data        ${config.dataDir} (its database, datasets and trained models; made afresh at each run)`);
  say(`  superadmin  ${config.superadminEmail}, password in ${join(config.dataDir, 'superadmin.json')}`);
  if (flags['keep-running']) {
    say(bold('\nRafiki is up until Ctrl-C:'));
    say(`  dashboard   ${admin.url}/ (sign in as the superadmin)`);
    say(`  API         ${admin.url}/openapi`);
    say(`  predictors  http://${irisInference.predictor_host}/predict (iris), http://${digitsInference.predictor_host}/predict (digits)`);
  } else {
    say('\nRafiki has stopped. `npm run demo -- --keep-running` leaves it up to explore (the dashboard, the API at /openapi, the predictors);');
    say('`npm start` starts the Admin for real use, on ./.rafiki.');
  }
} catch (error) {
  failed = true;
  console.error(`demo failed: ${(error as Error).message}`);
}

if (flags['keep-running'] && !failed) {
  const stop = async () => {
    await admin.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
} else {
  await admin.stop();
  process.exit(failed ? 1 : 0);
}
