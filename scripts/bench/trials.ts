/**
 * Train-job benchmark (issue 6), on a throwaway Admin (embedded PGlite, or a new
 * database on DATABASE_URL's server with `--backend server`):
 *
 * 1. Per-trial overhead. For TinyCentroid and SoftmaxRegression on iris, a real
 *    train job (`--trials` trials, WORKER_COUNT 1) is run through the client SDK;
 *    then the very same knobs (read back from the stored trials, with each
 *    early-stopped trial stopped at the same epoch) are replayed
 *      (a) in this process: train + evaluate + dumpParameters + encodeParams (+ toOnnx,
 *          which the worker also does), and
 *      (b) on a bare train worker over comlink/IPC, with a host that stores nothing
 *          and asks no Advisor,
 *    so that the job's cost splits into template work, IPC, and the rest (Advisor,
 *    store, scheduling). Per-trial figures through Rafiki: the stored duration
 *    (datetime_started → datetime_stopped), the cycle (one trial's start to the
 *    next's: adds the Advisor's final feedback, the next proposal and the trial
 *    insert), and the amortised job time (POST → settled, divided by trials:
 *    adds worker start, session set-up and shut-down). Worker start + set-up, a
 *    bare `bun` start, the Advisor calls and the store writes are also timed on
 *    their own.
 * 2. Scaling: trials per minute with WORKER_COUNT 2 against 1 (`--scaling`):
 *    `fixed`, scripts/bench/fixed-work-template.ts on iris: every trial the same
 *    CPU work (~0.3 s), so neither knobs nor data loading blur the ratio;
 *    `softmax-wine`, SoftmaxRegression on wine: a real template, whose trial
 *    lengths depend on the knobs the Advisor picks; `tiny-generated`, TinyCentroid
 *    on a generated CSV (`--rows` rows, 16 features, 5 classes). Each round also
 *    times a pure-CPU loop alone and as two processes at once: the speed-up the
 *    shared machine offers two processes at that moment.
 *
 * Rounds interleave the variants; figures are medians over rounds (and over the
 * trials of a round where said).
 *
 *   bun scripts/bench/trials.ts                 # 5 rounds × 30 trials; 5 scaling rounds × 24 trials (~6 min)
 *   bun scripts/bench/trials.ts --quick         # 2 rounds × 12 trials; 1 scaling round × 10 trials
 *   bun scripts/bench/trials.ts --only overhead --rounds 3 --trials 20
 *   bun scripts/bench/trials.ts --only scaling --scaling fixed,tiny-generated --rows 60000
 *   DATABASE_URL=postgres://… bun scripts/bench/trials.ts --backend server
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { localAdvisor } from '../../src/advisor/client.ts';
import { SessionStore } from '../../src/advisor/sessions.ts';
import { ServicesManager } from '../../src/admin/services/manager.ts';
import { chooseSandbox } from '../../src/common/services/choose-sandbox.ts';
import { LocalServices } from '../../src/common/services/local.ts';
import { stoppingFor } from '../../src/admin/training/sub-job-runner.ts';
import { TrainWorkerHandle } from '../../src/admin/training/train-worker-handle.ts';
import type { Client, TrainJobJson, TrialJson } from '../../src/client/index.ts';
import { loadDataset } from '../../src/model/datasets/load.ts';
import type { Knobs } from '../../src/model/knobs.ts';
import type { EarlyStopDecision, ModelClass, TrainContext } from '../../src/model/model.ts';
import { encodeParams } from '../../src/model/params.ts';
import { mulberry32 } from '../../src/model/random.ts';
import { loadTemplate } from '../../src/model/template.ts';
import { startTestAdmin, type TestAdmin } from '../../test/support/admin.ts';
import { deployableTemplate } from '../../test/support/services.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    trials: { type: 'string' },
    'scale-rounds': { type: 'string' },
    'scale-trials': { type: 'string' },
    rows: { type: 'string' },
    only: { type: 'string', default: 'overhead,scaling' },
    scaling: { type: 'string', default: 'fixed,softmax-wine' },
    backend: { type: 'string', default: 'embedded' },
  },
});
const quick = args.quick!;
const ROUNDS = Number(args.rounds ?? (quick ? 2 : 5));
const TRIALS = Number(args.trials ?? (quick ? 12 : 30));
const SCALE_ROUNDS = Number(args['scale-rounds'] ?? (quick ? 1 : 5));
const SCALE_TRIALS = Number(args['scale-trials'] ?? (quick ? 10 : 24));
const ROWS = Number(args.rows ?? 40_000);
const ONLY = new Set(args.only!.split(','));
const BACKEND = args.backend === 'server' ? 'server' : 'embedded';

const ROOT = resolve(import.meta.dir, '../..');
const TASK = 'TABULAR_CLASSIFICATION';
const IRIS = join(ROOT, 'test/fixtures/iris.csv');
const WINE = join(ROOT, 'test/fixtures/wine.csv');
const TEMPLATES = {
  TinyCentroid: join(ROOT, 'test/fixtures/templates/tiny-centroid.ts'),
  SoftmaxRegression: join(ROOT, 'models/softmax_regression.ts'),
  FixedWork: join(import.meta.dir, 'fixed-work-template.ts'),
} as const;
type TemplateName = keyof typeof TEMPLATES;
const OVERHEAD_TEMPLATES: TemplateName[] = ['TinyCentroid', 'SoftmaxRegression'];
/** Scaling cases: a template on a dataset. */
const SCALING_CASES: Record<string, { template: TemplateName; dataset: string; about: string }> = {
  fixed: { template: 'FixedWork', dataset: 'iris', about: 'FixedWork (same CPU work every trial) on iris' },
  'softmax-wine': { template: 'SoftmaxRegression', dataset: 'wine', about: 'SoftmaxRegression on wine (trial length depends on the knobs)' },
  'tiny-generated': { template: 'TinyCentroid', dataset: 'generated', about: `TinyCentroid on a generated CSV (train = val)` },
};
const SCALING = ONLY.has('scaling') ? args.scaling!.split(',') : [];
for (const c of SCALING) if (!SCALING_CASES[c]) throw new Error(`--scaling: unknown case ${c}; known: ${Object.keys(SCALING_CASES).join(', ')}`);
const OVERHEAD_TARGET_MS = 30;
const SCALING_TARGET = 1.7;

const median = (v: number[]) => {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : 'n/a');
const at = (iso: string | null) => (iso ? Date.parse(iso) : NaN);
const say = (line: string) => console.log(line);

// ───────────────────────────── CPU accounting ─────────────────────────────

/** user + system clock ticks (1/100 s) of a process, or 0 once it is gone. */
function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return 0;
  }
}

function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const v = fields.slice(0, 8).map(Number);
  const total = sum(v);
  return { busy: total - v[3]! - v[4]!, total };
}

/**
 * CPU used over a span by this process (the Admin), by its children (the train
 * workers: their /proc entries are polled, since they exit before the span ends,
 * so up to one poll interval of a worker's last work is missed), and by the whole
 * machine: on a shared machine this tells how much CPU the job actually got.
 */
class CpuMeter {
  private readonly self0 = process.cpuUsage();
  private readonly machine0 = machineTicks();
  private readonly children = new Map<number, number>();
  private readonly timer = setInterval(() => this.poll(), 50);

  private poll(): void {
    for (const task of readdirSync('/proc/self/task')) {
      let list = '';
      try {
        list = readFileSync(`/proc/self/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const pid of list.split(' ').filter(Boolean).map(Number)) {
        this.children.set(pid, Math.max(this.children.get(pid) ?? 0, ticksOf(pid)));
      }
    }
  }

  stop(): { selfMs: number; childrenMs: number; machineBusyCores: number } {
    this.poll();
    clearInterval(this.timer);
    const self = process.cpuUsage(this.self0);
    const m = machineTicks();
    return {
      selfMs: (self.user + self.system) / 1000,
      childrenMs: sum([...this.children.values()]) * 10,
      machineBusyCores: ((m.busy - this.machine0.busy) / Math.max(1, m.total - this.machine0.total)) * cpus().length,
    };
  }
}

// ───────────────────────────── set-up ─────────────────────────────

/** Gaussian clusters: TinyCentroid's cost grows with rows, so trials last long enough to measure scaling. */
function generatedCsv(file: string, rows: number): void {
  const features = 16;
  const classes = 5;
  const rng = mulberry32(7);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const centres = Array.from({ length: classes }, () => Array.from({ length: features }, () => gauss() * 2));
  const lines = [[...Array.from({ length: features }, (_, j) => `f${j}`), 'class'].join(',')];
  for (let i = 0; i < rows; i++) {
    const c = i % classes;
    lines.push([...centres[c]!.map((m) => (m + gauss()).toFixed(3)), `c${c}`].join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

interface Setup { t: TestAdmin; client: Client; datasets: Record<string, { id: string; path: string }>; models: Record<TemplateName, string> }

async function setUp(dir: string): Promise<Setup> {
  const t = await startTestAdmin(BACKEND, { RAFIKI_WORKER_MEMORY_MB: '2048' });
  const client = t.superadmin;
  const datasets: Setup['datasets'] = {};
  const files: Record<string, string> = { iris: IRIS, wine: WINE };
  if (SCALING.includes('tiny-generated')) {
    files.generated = join(dir, 'generated.csv');
    generatedCsv(files.generated, ROWS);
  }
  for (const [name, path] of Object.entries(files)) datasets[name] = { id: (await client.createDataset({ name, task: TASK, file: path })).id, path };
  const models = {} as Record<TemplateName, string>;
  for (const [name, path] of Object.entries(TEMPLATES) as [TemplateName, string][]) {
    models[name] = (await client.createModel({ name, task: TASK, file: new Uint8Array(readFileSync(path)), modelClass: name })).id;
  }
  return { t, client, datasets, models };
}

// ───────────────────────────── a real train job ─────────────────────────────

interface JobRun {
  job: TrainJobJson;
  trials: TrialJson[];
  /** POST → settled, by this process's clock. */
  wallMs: number;
  /** POST → first trial stored as started (POST, sub-job, Advisor session, worker start + set-up, first proposal). */
  headMs: number;
  /** Last trial stopped → settled (final feedback, worker stop, status updates). */
  tailMs: number;
  stored: number[];
  cycles: number[];
  /** First trial start → last trial stop. */
  spanMs: number;
  /**
   * CPU time of this process (the Admin: HTTP, the host side of comlink, the
   * Advisor, PGlite) over the job, per trial: the serial part that two workers share.
   */
  adminCpuPerTrial: number;
  /** CPU time of the workers over the job, per trial. */
  workerCpuPerTrial: number;
  /** Cores in use on the whole machine over the job, by anyone. */
  machineBusyCores: number;
}

let appNo = 0;

async function runJob(s: Setup, model: TemplateName, dataset: string, trials: number, workers: number): Promise<JobRun> {
  const app = `bench-${++appNo}`;
  const t0 = Date.now();
  const meter = new CpuMeter();
  const created = await s.client.createTrainJob({
    app, task: TASK, trainDatasetId: s.datasets[dataset]!.id, valDatasetId: s.datasets[dataset]!.id, modelIds: [s.models[model]],
    budget: { MODEL_TRIAL_COUNT: trials, WORKER_COUNT: workers, GPU_COUNT: 0, TIME_HOURS: 1 },
  });
  await s.t.admin.training.settled(created.id);
  // settled() answers at once for a job this process no longer runs; poll to be sure it ended.
  let job = await s.client.getTrainJob(app);
  while (job.status !== 'STOPPED' && job.status !== 'ERRORED') {
    await Bun.sleep(20);
    job = await s.client.getTrainJob(app);
  }
  const wallMs = Date.now() - t0;
  const cpu = meter.stop();
  const list = (await s.client.getTrials(app)).sort((a, b) => at(a.datetime_started) - at(b.datetime_started));
  const bad = list.filter((x) => x.status !== 'COMPLETED' && x.status !== 'TERMINATED');
  if (job.status !== 'STOPPED' || list.length !== trials || bad.length > 0) {
    throw new Error(`job ${app} (${model}) ended ${job.status} with ${list.length}/${trials} trials${bad.length ? `; e.g. ${bad[0]!.status}: ${bad[0]!.error}` : ''}${job.error ? `: ${job.error}` : ''}`);
  }
  const starts = list.map((x) => at(x.datetime_started));
  const stops = list.map((x) => at(x.datetime_stopped));
  return {
    job, trials: list, wallMs,
    headMs: starts[0]! - t0,
    tailMs: t0 + wallMs - Math.max(...stops),
    stored: list.map((_, i) => stops[i]! - starts[i]!),
    cycles: starts.slice(1).map((x, i) => x - starts[i]!),
    spanMs: Math.max(...stops) - starts[0]!,
    adminCpuPerTrial: cpu.selfMs / trials,
    workerCpuPerTrial: cpu.childrenMs / trials,
    machineBusyCores: cpu.machineBusyCores,
  };
}

// ───────────────────────────── replays of the same knobs ─────────────────────────────

interface Replay {
  knobs: Knobs;
  score: number | null;
  /** The epoch at which the Advisor stopped it, or Infinity. */
  stopAt: number;
  /** The intermediate reports it made, to replay into a bare Advisor session. */
  reports: { step: number; score: number }[];
  logEntries: number;
}

async function replaysOf(client: Client, trials: TrialJson[]): Promise<Replay[]> {
  const out: Replay[] = [];
  for (const trial of trials) {
    const logs = await client.getTrialLogs(trial.id);
    // fitWithReports logs {epoch, loss, accuracy} and reports that accuracy at each epoch;
    // TinyCentroid logs no metrics and reports its score once, at step 1.
    const reports = logs.metrics.flatMap((m) => (typeof m.epoch === 'number' && typeof m.accuracy === 'number' ? [{ step: m.epoch, score: m.accuracy }] : []));
    if (reports.length === 0) reports.push({ step: 1, score: trial.score ?? 0 });
    out.push({
      knobs: trial.knobs,
      score: trial.score,
      stopAt: trial.status === 'TERMINATED' ? Math.max(...reports.map((r) => r.step)) : Infinity,
      reports,
      logEntries: logs.metrics.length + logs.plots.length + logs.messages.length,
    });
  }
  return out;
}

function replayContext(stopAt: number): TrainContext {
  return {
    log() {},
    definePlot() {},
    report: async ({ step }): Promise<EarlyStopDecision> => (step >= stopAt ? 'stop' : 'continue'),
  };
}

interface InProcess { perTrial: number[]; sameScores: number; lastParams: Uint8Array; lastOnnx: Uint8Array | null }

async function inProcess(name: TemplateName, csv: string, replays: Replay[]): Promise<InProcess> {
  const Template: ModelClass = await loadTemplate(TEMPLATES[name], name, TASK);
  const train = await loadDataset(csv, { task: TASK, name: 'the training dataset' });
  const val = await loadDataset(csv, { task: TASK, name: 'the validation dataset' }, train);
  const perTrial: number[] = [];
  let sameScores = 0;
  let lastParams: Uint8Array = new Uint8Array(0);
  let lastOnnx: Uint8Array | null = null;
  for (const r of replays) {
    const t0 = performance.now();
    const model = new Template(r.knobs);
    await model.train(train, replayContext(r.stopAt));
    const score = await model.evaluate(val);
    lastParams = encodeParams(model.dumpParameters());
    lastOnnx = typeof model.toOnnx === 'function' ? model.toOnnx() : null;
    perTrial.push(performance.now() - t0);
    // Same knobs, same seed, same stop: the same score shows the replay did the job's work.
    if (r.score !== null && Math.abs(score - r.score) < 1e-9) sameScores++;
  }
  return { perTrial, sameScores, lastParams, lastOnnx };
}

interface Direct {
  startMs: number;
  perTrial: number[];
  /** This process's CPU per trial: the host side of comlink alone, without store or Advisor. */
  hostCpuPerTrial: number;
}

/** The replay on a train worker started as the Admin starts one, with a host that only answers reports. */
async function onBareWorker(s: Setup, name: TemplateName, csv: string, replays: Replay[]): Promise<Direct> {
  const services = new ServicesManager(new LocalServices({ sandbox: await chooseSandbox('auto') }), s.t.admin.store.services, { host: 'localhost', adminId: s.t.admin.adminId });
  const template = await deployableTemplate(TEMPLATES[name]);
  const stopAt = new Map<string, number>();
  const t0 = performance.now();
  const worker = await TrainWorkerHandle.start(services, {
    files: { template: template.path, nodeModules: template.nodeModules, className: name, task: TASK, train: csv, val: csv, trainArgs: {} },
    limits: { memoryBytes: 2048 * 1024 * 1024, processes: 32 },
  }, {
    log() {},
    report: async (trialId, step) => (step >= stopAt.get(trialId)! ? 'stop' : 'continue'),
  });
  const startMs = performance.now() - t0;
  const perTrial: number[] = [];
  const cpu0 = process.cpuUsage();
  try {
    for (const [i, r] of replays.entries()) {
      stopAt.set(`t${i}`, r.stopAt);
      const t1 = performance.now();
      const result = await worker.runTrial(`t${i}`, r.knobs);
      perTrial.push(performance.now() - t1);
      if (result.status !== 'COMPLETED' && result.status !== 'TERMINATED') throw new Error(`bare worker trial ${result.status}: ${'error' in result ? result.error : ''}`);
    }
  } finally {
    await worker.stop();
  }
  const cpu = process.cpuUsage(cpu0);
  return { startMs, perTrial, hostCpuPerTrial: (cpu.user + cpu.system) / 1000 / Math.max(1, replays.length) };
}

async function bareBunStart(): Promise<number> {
  const t0 = performance.now();
  await Bun.spawn([process.execPath, '-e', '0'], { stdout: 'ignore', stderr: 'ignore' }).exited;
  return performance.now() - t0;
}

/**
 * What two processes get out of this machine right now: the same pure-CPU loop
 * run alone and as two at once. Other agents share the CPU, so this is the
 * ceiling any two-worker speed-up can reach at the moment it is measured.
 */
async function cpuCeiling(): Promise<{ one: number; two: number; speedUp: number }> {
  const loop = () => Bun.spawn([process.execPath, '-e', 'let x=0;for(let i=0;i<4e8;i++)x+=Math.sqrt(i);if(x<0)console.log(x)'], { stdout: 'ignore', stderr: 'ignore' }).exited;
  let t0 = performance.now();
  await loop();
  const one = performance.now() - t0;
  t0 = performance.now();
  await Promise.all([loop(), loop()]);
  const two = performance.now() - t0;
  return { one, two, speedUp: (2 * one) / two };
}

// ───────────────────────────── micro-measurements ─────────────────────────────

interface AdvisorCost { propose: number[]; intermediate: number[]; final: number[]; perTrial: number[] }

/** The Advisor calls a sub-job makes, on a fresh in-process session, with the job's own reports and scores. */
async function advisorCost(name: TemplateName, replays: Replay[]): Promise<AdvisorCost> {
  const Template: ModelClass = await loadTemplate(TEMPLATES[name], name, TASK);
  const advisor = localAdvisor(new SessionStore());
  const { id } = await advisor.createSession({ knob_config: Template.knobConfig as never, strategy: 'auto', stopping: stoppingFor(Template.knobConfig), max_trials: replays.length });
  const cost: AdvisorCost = { propose: [], intermediate: [], final: [], perTrial: [] };
  for (const r of replays) {
    let t = performance.now();
    const proposal = await advisor.propose(id);
    const propose = performance.now() - t;
    cost.propose.push(propose);
    if (!proposal) break;
    let trialTotal = propose;
    for (const report of r.reports) {
      t = performance.now();
      await advisor.feedback(id, { trial_no: proposal.trial_no, step: report.step, score: report.score, final: false });
      const d = performance.now() - t;
      cost.intermediate.push(d);
      trialTotal += d;
    }
    t = performance.now();
    await advisor.feedback(id, { trial_no: proposal.trial_no, score: r.score, final: true });
    const d = performance.now() - t;
    cost.final.push(d);
    cost.perTrial.push(trialTotal + d);
  }
  await advisor.deleteSession(id);
  return cost;
}

interface StoreCost { start: number[]; log: number[]; finish: number[]; perTrial: number[]; cpuPerTrial: number }

/** The store writes of a trial (insert, its log lines, finish with parameters), into a finished sub-job. */
async function storeCost(s: Setup, job: TrainJobJson, replays: Replay[], params: Uint8Array, onnx: Uint8Array | null): Promise<StoreCost> {
  const trials = s.t.admin.store.trials;
  const sub = job.sub_train_jobs![0]!;
  const cost: StoreCost = { start: [], log: [], finish: [], perTrial: [], cpuPerTrial: 0 };
  const cpu0 = process.cpuUsage();
  for (const [i, r] of replays.entries()) {
    let t = performance.now();
    const trial = await trials.start({ subTrainJobId: sub.id, no: 100_000 + i, modelId: sub.model_id, knobs: r.knobs, workerId: null });
    const start = performance.now() - t;
    let total = start;
    {
      // The Admin writes a trial's logs in batches (src/admin/training/log-buffer.ts): one insert here.
      const entries = Array.from({ length: r.logEntries }, (_, k) => ({ kind: 'METRICS' as const, time: new Date().toISOString(), metrics: { epoch: k + 1, loss: 0.5, accuracy: 0.9 } }));
      t = performance.now();
      await trials.addLogs(trial.id, entries);
      const d = performance.now() - t;
      cost.log.push(d);
      total += d;
    }
    t = performance.now();
    await trials.finish(trial.id, { status: 'COMPLETED', score: r.score ?? 0, params, onnx });
    const d = performance.now() - t;
    cost.finish.push(d);
    cost.perTrial.push(total + d);
    cost.start.push(start);
  }
  const cpu = process.cpuUsage(cpu0);
  cost.cpuPerTrial = (cpu.user + cpu.system) / 1000 / Math.max(1, replays.length);
  return cost;
}

// ───────────────────────────── the benchmark ─────────────────────────────

interface OverheadRound {
  job: JobRun;
  inProc: InProcess;
  direct: Direct;
  advisor: AdvisorCost;
  store: StoreCost;
  /** Per trial, stored duration − in-process time of the same knobs. */
  paired: number[];
  /** Per trial but the last, its cycle − its in-process time. */
  pairedCycle: number[];
}

async function overhead(s: Setup, name: TemplateName): Promise<OverheadRound[]> {
  const rounds: OverheadRound[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    const job = await runJob(s, name, 'iris', TRIALS, 1);
    const replays = await replaysOf(s.client, job.trials);
    // Alternate which replay goes first so that warm-up or drift does not favour one.
    let inProc: InProcess;
    let direct: Direct;
    if (r % 2) {
      inProc = await inProcess(name, IRIS, replays);
      direct = await onBareWorker(s, name, IRIS, replays);
    } else {
      direct = await onBareWorker(s, name, IRIS, replays);
      inProc = await inProcess(name, IRIS, replays);
    }
    const advisor = await advisorCost(name, replays);
    const store = await storeCost(s, job.job, replays, inProc.lastParams, inProc.lastOnnx);
    const paired = job.stored.map((d, i) => d - inProc.perTrial[i]!);
    const pairedCycle = job.cycles.map((c, i) => c - inProc.perTrial[i]!);
    rounds.push({ job, inProc, direct, advisor, store, paired, pairedCycle });
    say(`  ${name} round ${r}/${ROUNDS}: job ${(job.wallMs / 1000).toFixed(1)} s; stored ${ms(median(job.stored))}, cycle ${ms(median(job.cycles))}, in-process ${ms(median(inProc.perTrial))}, bare worker ${ms(median(direct.perTrial))} (scores replayed identically: ${inProc.sameScores}/${replays.length})`);
  }
  return rounds;
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

function printOverhead(name: TemplateName, rounds: OverheadRound[], bunStarts: number[]): { overhead: number; pass: boolean } {
  const m = (f: (r: OverheadRound) => number) => median(rounds.map(f));
  const inProc = m((r) => median(r.inProc.perTrial));
  // (e) and (f) are totals over trials, i.e. means: they are set against the in-process mean.
  const inProcMean = m((r) => sum(r.inProc.perTrial) / r.inProc.perTrial.length);
  const direct = m((r) => median(r.direct.perTrial));
  const stored = m((r) => median(r.job.stored));
  const cycle = m((r) => median(r.job.cycles));
  const amortised = m((r) => r.job.wallMs / TRIALS);
  const steady = m((r) => r.job.spanMs / TRIALS);
  const paired = m((r) => median(r.paired));
  const pairedCycle = m((r) => median(r.pairedCycle));
  const reports = m((r) => r.advisor.intermediate.length / Math.max(1, r.advisor.perTrial.length));
  const ipcPerReport = m((r) => median(r.direct.perTrial.map((d, i) => d - r.inProc.perTrial[i]!)) / Math.max(1, r.advisor.intermediate.length / Math.max(1, r.advisor.perTrial.length)));
  const advisor = m((r) => median(r.advisor.perTrial));
  const store = m((r) => median(r.store.perTrial));
  const w = [58, 12, 14];
  say('');
  say(`${name} on iris, ${TRIALS} trials, WORKER_COUNT 1, median over ${rounds.length} rounds of each round's median:`);
  say(row(['figure', 'per trial', 'over in-proc'], w));
  say(row(['(a) in process: train+evaluate+dump+encode(+onnx)', ms(inProc), '—'], w));
  say(row(['(b) bare worker: comlink/IPC, no store, no Advisor', ms(direct), ms(direct - inProc)], w));
  say(row(['(c) job, stored duration (started→stopped)', ms(stored), ms(stored - inProc)], w));
  say(row(['    same, paired per trial (median of differences)', '', ms(paired)], w));
  say(row(['(d) job, cycle (trial start → next trial start)', ms(cycle), ms(cycle - inProc)], w));
  say(row(['    same, paired per trial (median of differences)', '', ms(pairedCycle)], w));
  say(row(['(a′) in process, mean per trial', ms(inProcMean), '—'], w));
  say(row(['(e) job, steady span / trials (first start → last stop)', ms(steady), `${ms(steady - inProcMean)} (a′)`], w));
  say(row(['(f) job, amortised: (POST → settled) / trials', ms(amortised), `${ms(amortised - inProcMean)} (a′)`], w));
  say(row(['job head: POST → first trial started', ms(m((r) => r.job.headMs)), ''], w));
  say(row(['job tail: last trial stopped → settled', ms(m((r) => r.job.tailMs)), ''], w));
  say(row(['Admin process CPU per trial during the job', ms(m((r) => r.job.adminCpuPerTrial)), ''], w));
  say(row(['  host CPU per trial on the bare worker (IPC only)', ms(m((r) => r.direct.hostCpuPerTrial)), ''], w));
  say(row(['worker CPU per trial during the job (incl. its start)', ms(m((r) => r.job.workerCpuPerTrial)), ''], w));
  say(row(['worker start + set-up (spawn, template, datasets, ready)', ms(m((r) => r.direct.startMs)), ''], w));
  say(row(['  of which a bare `bun -e 0` start and exit', ms(median(bunStarts)), ''], w));
  say(row(['Advisor per trial: propose + reports + final feedback', ms(advisor), ''], w));
  say(row(['  propose / intermediate feedback / final feedback', `${m((r) => median(r.advisor.propose)).toFixed(2)}/${m((r) => median(r.advisor.intermediate)).toFixed(2)}/${m((r) => median(r.advisor.final)).toFixed(2)}`, ''], w));
  say(row(['reports per trial (each an IPC round trip + a feedback)', reports.toFixed(1), ''], w));
  say(row(['  (b) − (a) divided by reports per trial', ms(ipcPerReport), ''], w));
  say(row(['store per trial: insert + log lines + finish (awaited)', ms(store), ''], w));
  say(row(['  the same writes in CPU of this process, mean per trial', ms(m((r) => r.store.cpuPerTrial)), ''], w));
  say(row(['  insert / one log line / finish with params', `${m((r) => median(r.store.start)).toFixed(2)}/${m((r) => median(r.store.log)).toFixed(2)}/${m((r) => median(r.store.finish)).toFixed(2)}`, ''], w));
  // Trials differ in length (epochs, early stops): the paired cycle difference compares like with like.
  const over = pairedCycle;
  const pass = over <= OVERHEAD_TARGET_MS;
  say(row([`overhead = (d) paired: target ≤ ${OVERHEAD_TARGET_MS} ms`, ms(over), pass ? 'PASS' : 'MISS'], w));
  return { overhead: over, pass };
}

interface ScaleRun { workers: number; job: JobRun; ceiling: number }

async function scaling(s: Setup, name: string): Promise<ScaleRun[]> {
  const { template, dataset } = SCALING_CASES[name]!;
  const runs: ScaleRun[] = [];
  for (let r = 1; r <= SCALE_ROUNDS; r++) {
    const ceiling = await cpuCeiling();
    say(`  ${name} round ${r}/${SCALE_ROUNDS}: a pure-CPU loop takes ${ms(ceiling.one)} alone, ${ms(ceiling.two)} as two: ${ceiling.speedUp.toFixed(2)}× is what 2 processes get now`);
    for (const workers of r % 2 ? [1, 2] : [2, 1]) {
      const job = await runJob(s, template, dataset, SCALE_TRIALS, workers);
      runs.push({ workers, job, ceiling: ceiling.speedUp });
      say(`  ${name} round ${r}/${SCALE_ROUNDS}, WORKER_COUNT ${workers}: ${(job.wallMs / 1000).toFixed(1)} s, ${(SCALE_TRIALS / job.wallMs * 60_000).toFixed(1)} trials/min; stored trial ${ms(median(job.stored))}, head ${ms(job.headMs)}`);
    }
  }
  return runs;
}

function printScaling(name: string, runs: ScaleRun[]): { ratio: number; steadyRatio: number; ceiling: number; pass: boolean } {
  const of = (w: number) => runs.filter((r) => r.workers === w).map((r) => r.job);
  const perMin = (jobs: JobRun[], span: (j: JobRun) => number) => median(jobs.map((j) => (SCALE_TRIALS / span(j)) * 60_000));
  const w = [58, 12, 12, 8];
  const wall = (j: JobRun) => j.wallMs;
  const steady = (j: JobRun) => j.spanMs;
  const [one, two] = [of(1), of(2)];
  say('');
  const about = SCALING_CASES[name]!.about + (name === 'tiny-generated' ? `, ${ROWS} rows` : '');
  say(`Scaling, ${about}: ${SCALE_TRIALS} trials, median over ${SCALE_ROUNDS} rounds:`);
  say(row(['figure', 'WORKERS 1', 'WORKERS 2', 'ratio'], w));
  const wall1 = perMin(one, wall);
  const wall2 = perMin(two, wall);
  const st1 = perMin(one, steady);
  const st2 = perMin(two, steady);
  say(row(['trials/min, POST → settled (whole job)', wall1.toFixed(1), wall2.toFixed(1), `${(wall2 / wall1).toFixed(2)}×`], w));
  say(row(['trials/min, first trial start → last trial stop', st1.toFixed(1), st2.toFixed(1), `${(st2 / st1).toFixed(2)}×`], w));
  say(row(['stored trial duration (median)', ms(median(one.map((j) => median(j.stored)))), ms(median(two.map((j) => median(j.stored)))), ''], w));
  say(row(['job head: POST → first trial started', ms(median(one.map((j) => j.headMs))), ms(median(two.map((j) => j.headMs))), ''], w));
  const med = (jobs: JobRun[], f: (j: JobRun) => number) => median(jobs.map(f));
  const ours = (j: JobRun) => ((j.adminCpuPerTrial + j.workerCpuPerTrial) * SCALE_TRIALS) / j.wallMs;
  say(row(['Admin process CPU per trial', ms(med(one, (j) => j.adminCpuPerTrial)), ms(med(two, (j) => j.adminCpuPerTrial)), ''], w));
  say(row(['workers\' CPU per trial (incl. their start)', ms(med(one, (j) => j.workerCpuPerTrial)), ms(med(two, (j) => j.workerCpuPerTrial)), ''], w));
  say(row(['cores our processes got (Admin + workers CPU / wall)', med(one, ours).toFixed(2), med(two, ours).toFixed(2), `${(med(two, ours) / med(one, ours)).toFixed(2)}×`], w));
  say(row([`cores busy on the machine, anyone's (of ${cpus().length})`, med(one, (j) => j.machineBusyCores).toFixed(2), med(two, (j) => j.machineBusyCores).toFixed(2), ''], w));
  // Each round's speed-up over the speed-up the machine gave two plain processes in that round.
  const rounds = runs.filter((r) => r.workers === 1).map((r, i) => ({ one: r, two: runs.filter((x) => x.workers === 2)[i]! }));
  const relative = median(rounds.map(({ one: a, two: b }) => (a.job.wallMs / b.job.wallMs) / a.ceiling));
  const perRound = median(rounds.map(({ one: a, two: b }) => a.job.wallMs / b.job.wallMs));
  say(row(['whole-job speed-up, median of the rounds\' own ratios', '', '', `${perRound.toFixed(2)}×`], w));
  say(row(['whole-job speed-up ÷ control speed-up, per round', '', '', `${relative.toFixed(2)}`], w));
  const ceiling = median(runs.filter((r) => r.workers === 1).map((r) => r.ceiling));
  say(row(['control: two pure-CPU processes against one, same rounds', '', '', `${ceiling.toFixed(2)}×`], w));
  const ratio = wall2 / wall1;
  const pass = ratio >= SCALING_TARGET;
  say(row([`whole-job speed-up: target ≥ ${SCALING_TARGET}×`, '', '', `${ratio.toFixed(2)}× ${pass ? 'PASS' : 'MISS'}`], w));
  say(row([`steady-state speed-up (worker start excluded)`, '', '', `${(st2 / st1).toFixed(2)}× ${st2 / st1 >= SCALING_TARGET ? 'PASS' : 'MISS'}`], w));
  return { ratio, steadyRatio: st2 / st1, ceiling, pass };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rafiki-bench-trials-'));
  say(`Train-job benchmark: ${cpus().length} CPUs, Bun ${Bun.version}, store ${BACKEND}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at start.`);
  say('Caution: a noisy machine shared with other agents; every figure is a median, and the CPU is not ours alone.');
  const s = await setUp(dir);
  const summary: string[] = [];
  try {
    if (ONLY.has('overhead')) {
      const bunStarts: number[] = [];
      for (let i = 0; i < 5; i++) bunStarts.push(await bareBunStart());
      const results: [TemplateName, OverheadRound[]][] = [];
      for (const name of OVERHEAD_TEMPLATES) results.push([name, await overhead(s, name)]);
      for (const [name, rounds] of results) {
        const { overhead: o, pass } = printOverhead(name, rounds, bunStarts);
        summary.push(`per-trial overhead, ${name}: ${ms(o)} (target ≤ ${OVERHEAD_TARGET_MS} ms) ${pass ? 'PASS' : 'MISS'}`);
      }
    }
    const scaled: [string, ScaleRun[]][] = [];
    for (const name of SCALING) scaled.push([name, await scaling(s, name)]);
    for (const [name, runs] of scaled) {
      const { ratio, steadyRatio, ceiling, pass } = printScaling(name, runs);
      summary.push(`2 workers / 1 worker, ${name}: ${ratio.toFixed(2)}× whole job (target ≥ ${SCALING_TARGET}×) ${pass ? 'PASS' : 'MISS'}; ${steadyRatio.toFixed(2)}× steady state; the machine gave 2 CPU-bound processes ${ceiling.toFixed(2)}×`);
    }
  } finally {
    await s.t.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  say('');
  say(`Summary (load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at the end):`);
  for (const line of summary) say(`  ${line}`);
}

await main();
