/**
 * Benchmarks of the Advisor (issue 5), run through its own client interface
 * (`Advisor`): by default `localAdvisor`, the in-process session API the Admin
 * uses, so the figures measure the strategies and the session machinery; with
 * `--http`, `httpAdvisor` against the service started on a free port.
 *
 *   bun scripts/bench/advisor.ts                      # everything, 10 seeds × 200 evaluations
 *   bun scripts/bench/advisor.ts --seeds 3 --evals 60 # a quick run
 *   bun scripts/bench/advisor.ts --only branin,latency --http
 *   bun scripts/bench/advisor.ts --only hartmann6 --first-seed 11  # another set of seeds
 *   bun scripts/bench/advisor.ts --only branin,hartmann6 --strategies random,tpe
 *
 * Scores are maximised, so each benchmark function is fed back negated.
 */
import { parseArgs } from 'node:util';
import { knobs, type KnobConfig, type Knobs } from '../../src/model/knobs.ts';
import { mulberry32 } from '../../src/model/random.ts';
import { httpAdvisor, localAdvisor, type Advisor, type CreateSessionRequest } from '../../src/advisor/client.ts';
import { startAdvisorServer } from '../../src/advisor/server.ts';
import { SessionStore } from '../../src/advisor/sessions.ts';

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '10' },
    'first-seed': { type: 'string', default: '1' },
    evals: { type: 'string', default: '200' },
    only: { type: 'string', default: 'branin,hartmann6,mixed,latency,asha' },
    strategies: { type: 'string', default: 'random,tpe,gp' },
    http: { type: 'boolean', default: false },
  },
});
const SEEDS = Number(args.seeds);
const EVALS = Number(args.evals);
const ONLY = new Set(args.only!.split(','));
const server = args.http ? startAdvisorServer({ port: 0 }) : undefined;
const advisor: Advisor = server ? httpAdvisor(server.url) : localAdvisor(new SessionStore());

type Strategy = NonNullable<CreateSessionRequest['strategy']>;
interface Problem { name: string; config: KnobConfig; f: (k: Knobs) => number; minimum: number }

const branin: Problem = {
  name: 'Branin',
  config: { x1: knobs.float(-5, 10), x2: knobs.float(0, 15) },
  f: (k) => {
    const x1 = k.x1 as number;
    const x2 = k.x2 as number;
    return (x2 - (5.1 / (4 * Math.PI ** 2)) * x1 * x1 + (5 / Math.PI) * x1 - 6) ** 2
      + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
  },
  minimum: 0.397887,
};

const H6_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));
const H6_ALPHA = [1, 1.2, 3, 3.2];
const hartmann6: Problem = {
  name: 'Hartmann6',
  config: Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i + 1}`, knobs.float(0, 1)])),
  f: (k) => {
    const x = Array.from({ length: 6 }, (_, i) => k[`x${i + 1}`] as number);
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += H6_A[i]![j]! * (x[j]! - H6_P[i]![j]!) ** 2;
      sum += H6_ALPHA[i]! * Math.exp(-inner);
    }
    return -sum;
  },
  minimum: -3.32237,
};

/** A made-up training loss over an optimiser, an activation, a log-scale learning rate and dropout. */
const BEST_LOG_LR: Record<string, number> = { sgd: -1, adam: -3, rmsprop: -2.5 };
const OPTIMISER_LOSS: Record<string, number> = { sgd: 0.12, adam: 0, rmsprop: 0.04 };
const ACTIVATION_LOSS: Record<string, number> = { relu: 0, tanh: 0.05, sigmoid: 0.15, linear: 0.3 };
const mixed: Problem = {
  name: 'Mixed',
  config: {
    optimiser: knobs.categorical(['sgd', 'adam', 'rmsprop']),
    activation: knobs.categorical(['relu', 'tanh', 'sigmoid', 'linear']),
    learningRate: knobs.float(1e-5, 1, { log: true }),
    dropout: knobs.float(0, 0.8),
  },
  f: (k) => {
    const opt = k.optimiser as string;
    const logLr = Math.log10(k.learningRate as number);
    return 0.1 + OPTIMISER_LOSS[opt]! + ACTIVATION_LOSS[k.activation as string]!
      + 0.08 * (logLr - BEST_LOG_LR[opt]!) ** 2 + 0.5 * ((k.dropout as number) - 0.3) ** 2;
  },
  minimum: 0.1,
};

/** Best (lowest) value of `problem` after `evals` trials of one session. */
async function optimise(problem: Problem, strategy: Strategy, seed: number, evals: number): Promise<number> {
  const { id } = await advisor.createSession({ knob_config: problem.config, strategy, seed, stopping: { type: 'none' } });
  let best = Infinity;
  for (let i = 0; i < evals; i++) {
    const trial = await advisor.propose(id);
    if (!trial) break;
    const value = problem.f(trial.knobs);
    best = Math.min(best, value);
    await advisor.feedback(id, { trial_no: trial.trial_no, score: -value, final: true });
  }
  await advisor.deleteSession(id);
  return best;
}

/** One run per seed, one after another. */
async function perSeed(run: (seed: number) => Promise<number>): Promise<number[]> {
  const results: number[] = [];
  for (const seed of seeds) results.push(await run(seed));
  return results;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1)));
const fmt = (xs: number[]) => `${mean(xs).toFixed(4)} ± ${sd(xs).toFixed(4)}`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const seeds = Array.from({ length: SEEDS }, (_, i) => i + Number(args['first-seed']));

async function compare(problem: Problem, targets: Partial<Record<Strategy, number>>): Promise<void> {
  console.log(`\n${problem.name}: best value after ${EVALS} evaluations, ${SEEDS} seeds (minimum ${problem.minimum})`);
  for (const strategy of args.strategies!.split(',') as Strategy[]) {
    const started = performance.now();
    const bests = await perSeed((seed) => optimise(problem, strategy, seed, EVALS));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const target = targets[strategy];
    const check = target === undefined ? '' : `  target ≤ ${target}: ${verdict(mean(bests) <= target)}`;
    console.log(`  ${strategy.padEnd(6)} ${fmt(bests)}  (gap to minimum ${(mean(bests) - problem.minimum).toFixed(4)}; ${seconds} s)${check}`);
  }
}

async function compareMixed(): Promise<void> {
  const evals = Math.min(EVALS, 60);
  console.log(`\nMixed space (2 categorical knobs, 1 log knob, 1 float): best loss after ${evals} evaluations (minimum ${mixed.minimum})`);
  const counts = [...new Set([Math.min(3, SEEDS), Math.min(5, SEEDS), SEEDS])];
  const auto = await perSeed((seed) => optimise(mixed, 'auto', seed, evals));
  const random = await perSeed((seed) => optimise(mixed, 'random', seed, evals));
  for (const count of counts) {
    const a = auto.slice(0, count);
    const r = random.slice(0, count);
    console.log(`  ${String(count).padStart(2)} seeds: auto ${fmt(a)}  random ${fmt(r)}  auto beats random: ${verdict(mean(a) < mean(r))}`);
  }
  const wins = auto.filter((a, i) => a < random[i]!).length;
  console.log(`  auto better than random on ${wins} of ${SEEDS} seeds`);
}

async function latency(): Promise<void> {
  console.log('\nGP proposal latency on Hartmann6 (session warm-started with n random observations; 11 proposals, each followed by its feedback)');
  for (const n of [50, 200]) {
    const rng = mulberry32(n);
    const history = Array.from({ length: n }, () => {
      const k = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`x${i + 1}`, rng()]));
      return { knobs: k, score: -hartmann6.f(k) };
    });
    const { id } = await advisor.createSession({ knob_config: hartmann6.config, strategy: 'gp', seed: 1, history, stopping: { type: 'none' } });
    const times: number[] = [];
    for (let i = 0; i < 11; i++) {
      const started = performance.now();
      const trial = (await advisor.propose(id))!;
      times.push(performance.now() - started);
      await advisor.feedback(id, { trial_no: trial.trial_no, score: -hartmann6.f(trial.knobs), final: true });
    }
    await advisor.deleteSession(id);
    const first = times[0]!;
    const median = [...times].sort((a, b) => a - b)[5]!;
    const check = n === 200 ? `  target ≤ 100 ms: ${verdict(median <= 100)}` : '';
    console.log(`  n = ${String(n).padStart(3)}: median ${median.toFixed(1)} ms (first proposal, a cold fit with restarts: ${first.toFixed(1)} ms)${check}`);
  }
}

/**
 * Learning curves of a made-up model: each configuration has a final score and a
 * speed; the curve rises towards the final score, with a little noise. Slow
 * starters that end well exist, so stopping early can be wrong.
 */
async function asha(): Promise<void> {
  for (const minResource of [1, 3, 9]) await ashaRun(minResource);
}

async function ashaRun(minResource: number): Promise<void> {
  const maxResource = 81;
  const trials = 81;
  const config: KnobConfig = { learningRate: knobs.float(1e-4, 1, { log: true }), width: knobs.integer(8, 512, { log: true }) };
  const curve = (k: Knobs, seed: number) => {
    const logLr = Math.log10(k.learningRate as number);
    const logWidth = Math.log2(k.width as number);
    const final = 0.95 - 0.04 * (logLr + 2) ** 2 - 0.01 * (logWidth - 7) ** 2;
    const noise = mulberry32(seed);
    // Wider models learn more slowly, and speed varies at random besides: curves cross.
    const tau = (2 + 1.5 * (logWidth - 3)) * (0.5 + noise());
    return (step: number) => final - (final - 0.1) * Math.exp(-step / tau) + 0.003 * (noise() - 0.5);
  };
  console.log(`\nASHA (η = 3, min resource ${minResource}, max ${maxResource}) on synthetic learning curves: ${trials} random proposals per seed`);
  const quality: number[] = [];
  const fractions: number[] = [];
  for (const seed of seeds) {
    const { id } = await advisor.createSession({
      knob_config: config, strategy: 'random', seed,
      stopping: { type: 'asha', reduction_factor: 3, min_resource: minResource, max_resource: maxResource },
    });
    let used = 0;
    let bestAsha = -Infinity;
    let bestFull = -Infinity;
    for (let t = 0; t < trials; t++) {
      const trial = (await advisor.propose(id))!;
      const score = curve(trial.knobs, seed * 1000 + t);
      let last = -Infinity;
      for (let step = 1; step <= maxResource; step++) {
        last = score(step);
        used++;
        if (step < maxResource && (await advisor.feedback(id, { trial_no: trial.trial_no, step, score: last, final: false })).decision === 'stop') break;
      }
      await advisor.feedback(id, { trial_no: trial.trial_no, score: last, final: true });
      bestAsha = Math.max(bestAsha, last);
      const full = curve(trial.knobs, seed * 1000 + t);
      let fullLast = 0;
      for (let step = 1; step <= maxResource; step++) fullLast = full(step);
      bestFull = Math.max(bestFull, fullLast);
    }
    await advisor.deleteSession(id);
    quality.push(bestAsha / bestFull);
    fractions.push(used / (trials * maxResource));
  }
  const worst = Math.min(...quality);
  console.log(`  best final score / full-budget best: mean ${mean(quality).toFixed(4)} (target ≥ 0.99: ${verdict(mean(quality) >= 0.99)}), worst seed ${worst.toFixed(4)} (${verdict(worst >= 0.99)})`);
  console.log(`  resource used / full budget: mean ${mean(fractions).toFixed(3)} (target ≤ 0.333: ${verdict(mean(fractions) <= 1 / 3)}), worst seed ${Math.max(...fractions).toFixed(3)}`);
}

const via = server ? `httpAdvisor on ${server.url}` : 'localAdvisor, in process';
console.log(`Advisor benchmark: ${SEEDS} seeds from ${seeds[0]}, ${EVALS} evaluations (${via}; Bun ${Bun.version})`);
try {
  if (ONLY.has('branin')) await compare(branin, { gp: 0.4, tpe: 0.45 });
  if (ONLY.has('hartmann6')) await compare(hartmann6, { gp: -3.25, tpe: -3.1 });
  if (ONLY.has('mixed')) await compareMixed();
  if (ONLY.has('latency')) await latency();
  if (ONLY.has('asha')) await asha();
} finally {
  await server?.stop();
}
