/**
 * What the sandbox costs (issue 12), each figure side by side with the same
 * work unsandboxed (RAFIKI_SANDBOX=off), in one run, rounds alternating, medians:
 *
 * 1. Per trial: the same knobs trained on a train worker started as the Admin
 *    starts one (through the services manager, its host answering reports),
 *    sandboxed and not, for TinyCentroid and SoftmaxRegression on iris; and the
 *    same work in this process, so that each figure's overhead shows.
 * 2. A train worker's start: spawn, load the template and both datasets.
 * 3. An inference job's cold start to RUNNING through an Admin
 *    (POST /inference_jobs answers once its frontend and worker are ready),
 *    of a template trial (TinyCentroid) and of an ONNX one (SoftmaxRegression).
 *
 *   bun scripts/bench/sandbox.ts                 # 5 rounds × 30 trials, 5 cold starts
 *   bun scripts/bench/sandbox.ts --rounds 3 --trials 10
 *
 * Serving throughput with and without the sandbox is in scripts/bench/serving.ts
 * (`--only rafiki,rafiki-unsandboxed`). Needs bubblewrap (apt-get install bubblewrap).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ServicesManager } from '../../src/admin/services/manager.ts';
import { TrainWorkerHandle } from '../../src/admin/training/train-worker-handle.ts';
import type { Client } from '../../src/client/index.ts';
import { bubblewrap, bubblewrapProblem } from '../../src/common/services/bubblewrap.ts';
import { LocalServices } from '../../src/common/services/local.ts';
import { unsandboxed, type Sandbox } from '../../src/common/services/sandbox.ts';
import { loadDataset } from '../../src/model/datasets/load.ts';
import type { Knobs } from '../../src/model/knobs.ts';
import type { TrainContext } from '../../src/model/model.ts';
import { encodeParams } from '../../src/model/params.ts';
import { loadTemplate } from '../../src/model/template.ts';
import { startTestAdmin, type TestAdmin } from '../../test/support/admin.ts';
import { deployableTemplate } from '../../test/support/services.ts';
import { waitUntil } from '../../test/support/wait.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, trials: { type: 'string', default: '30' } } });
const ROUNDS = Number(args.rounds);
const TRIALS = Number(args.trials);
const ROOT = resolve(import.meta.dir, '../..');
const IRIS = join(ROOT, 'test/fixtures/iris.csv');
const TASK = 'TABULAR_CLASSIFICATION';
const LIMITS = { memoryBytes: 2048 * 1024 * 1024, processes: 32 };
const TEMPLATES: Record<string, { file: string; knobs: (i: number) => Knobs }> = {
  TinyCentroid: { file: join(ROOT, 'test/fixtures/templates/tiny-centroid.ts'), knobs: (i) => ({ temperature: 0.5 + (i % 5), shrink: (i % 3) / 10, metric: i % 2 ? 'euclidean' : 'manhattan' }) },
  SoftmaxRegression: { file: join(ROOT, 'models/softmax_regression.ts'), knobs: (i) => ({ optimizer: 'adam', learningRate: 0.01 * (1 + (i % 4)), weightDecay: 1e-4, batchSize: 16, epochs: 10 }) },
};
const SIDES: [string, Sandbox][] = [['sandboxed', bubblewrap()], ['unsandboxed', unsandboxed]];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const quiet: TrainContext = { log() {}, definePlot() {}, report: async () => 'continue' };

/** Per-trial times in this process: the template's own work. */
async function inProcess(name: string): Promise<number[]> {
  const Template = await loadTemplate(TEMPLATES[name]!.file, name, TASK);
  const train = await loadDataset(IRIS, { task: TASK, name: 'train' });
  const val = await loadDataset(IRIS, { task: TASK, name: 'val' }, train);
  const times: number[] = [];
  for (let i = 0; i < TRIALS; i++) {
    const t0 = performance.now();
    const model = new Template(TEMPLATES[name]!.knobs(i));
    await model.train(train, quiet);
    await model.evaluate(val);
    encodeParams(model.dumpParameters());
    if (typeof model.toOnnx === 'function') model.toOnnx();
    times.push(performance.now() - t0);
  }
  return times;
}

/** A worker's start and its per-trial times, as the Admin runs trials on it. */
async function onWorker(admin: TestAdmin, sandbox: Sandbox, name: string): Promise<{ startMs: number; perTrial: number[] }> {
  const services = new ServicesManager(new LocalServices({ sandbox }), admin.admin.store.services, { host: 'localhost', adminId: admin.admin.adminId });
  const template = await deployableTemplate(TEMPLATES[name]!.file);
  const t0 = performance.now();
  const worker = await TrainWorkerHandle.start(services, {
    files: { template: template.path, nodeModules: template.nodeModules, className: name, task: TASK, train: IRIS, val: IRIS, trainArgs: {} },
    limits: LIMITS,
  }, { log() {}, report: async () => 'continue' });
  const startMs = performance.now() - t0;
  const perTrial: number[] = [];
  try {
    for (let i = 0; i < TRIALS; i++) {
      const t1 = performance.now();
      const result = await worker.runTrial(`t${i}`, TEMPLATES[name]!.knobs(i));
      perTrial.push(performance.now() - t1);
      if (result.status !== 'COMPLETED') throw new Error(`trial ${result.status}: ${'error' in result ? result.error : ''}`);
    }
  } finally {
    await worker.stop();
  }
  return { startMs, perTrial };
}

/** An Admin with a trained job of each template (app = the template's name), ready to deploy. */
async function trainedAdmin(sandbox: 'required' | 'off'): Promise<{ admin: TestAdmin; client: Client }> {
  const admin = await startTestAdmin('embedded', { RAFIKI_SANDBOX: sandbox });
  const client = admin.superadmin;
  const dataset = await client.createDataset({ name: 'iris', task: TASK, file: IRIS });
  for (const [name, { file }] of Object.entries(TEMPLATES)) {
    const model = await client.createModel({ name, task: TASK, file, modelClass: name });
    await client.createTrainJob({ app: name, task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [model.id], budget: { MODEL_TRIAL_COUNT: 2, GPU_COUNT: 0 } });
    await waitUntil('the train job to stop', async () => (await client.getTrainJob(name)).status === 'STOPPED');
  }
  return { admin, client };
}

async function coldStart(client: Client, app: string): Promise<number> {
  const t0 = performance.now();
  const job = await client.createInferenceJob(app);
  const ms = performance.now() - t0;
  if (job.status !== 'RUNNING') throw new Error(`the inference job is ${job.status}`);
  await client.stopInferenceJob(app);
  return ms;
}

async function main(): Promise<void> {
  const problem = await bubblewrapProblem();
  if (problem) throw new Error(`bubblewrap cannot sandbox here: ${problem}`);
  const admins = { sandboxed: await trainedAdmin('required'), unsandboxed: await trainedAdmin('off') };
  const perTrial = new Map<string, number[]>();
  const starts = new Map<string, number[]>();
  const cold = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, ...values: number[]) => map.set(key, [...(map.get(key) ?? []), ...values]);
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const name of Object.keys(TEMPLATES)) {
        add(perTrial, `${name} in-process`, median(await inProcess(name)));
        for (const [side, sandbox] of round % 2 ? SIDES : [...SIDES].reverse()) {
          const run = await onWorker(admins.sandboxed.admin, sandbox, name);
          add(perTrial, `${name} ${side}`, median(run.perTrial));
          add(starts, `${name} ${side}`, run.startMs);
        }
      }
      for (const name of Object.keys(TEMPLATES)) {
        for (const side of round % 2 ? ['sandboxed', 'unsandboxed'] as const : ['unsandboxed', 'sandboxed'] as const) add(cold, `${name} ${side}`, await coldStart(admins[side].client, name));
      }
      console.log(`round ${round}/${ROUNDS} done`);
    }
  } finally {
    await Promise.all(Object.values(admins).map((a) => a.admin.dispose()));
  }
  const ms = (values: number[]) => `${median(values).toFixed(1)} ms`;
  console.log(`\nmedians over ${ROUNDS} rounds (per trial: the median of ${TRIALS} trials in each round)`);
  for (const name of Object.keys(TEMPLATES)) {
    const [own, sandboxed, plain] = ['in-process', 'sandboxed', 'unsandboxed'].map((side) => median(perTrial.get(`${name} ${side}`)!));
    console.log(`${name.padEnd(18)} per trial: in-process ${own!.toFixed(2)} ms, unsandboxed worker ${plain!.toFixed(2)} ms (overhead ${(plain! - own!).toFixed(2)}), sandboxed ${sandboxed!.toFixed(2)} ms (overhead ${(sandboxed! - own!).toFixed(2)}); sandboxed/unsandboxed ${(sandboxed! / plain!).toFixed(3)} (target ≤ 1.2: ${sandboxed! / plain! <= 1.2 ? 'ok' : 'MISSED'})`);
    console.log(`${''.padEnd(18)} worker start: unsandboxed ${ms(starts.get(`${name} unsandboxed`)!)}, sandboxed ${ms(starts.get(`${name} sandboxed`)!)}`);
  }
  for (const name of Object.keys(TEMPLATES)) {
    const [sandboxed, plain] = [median(cold.get(`${name} sandboxed`)!), median(cold.get(`${name} unsandboxed`)!)];
    console.log(`inference job cold start to RUNNING, ${name}: unsandboxed ${plain.toFixed(0)} ms, sandboxed ${sandboxed.toFixed(0)} ms (target ≤ 1000 ms: ${sandboxed <= 1000 ? 'ok' : 'MISSED'})`);
  }
}

await main();
