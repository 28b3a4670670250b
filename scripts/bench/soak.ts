/**
 * Soak benchmark (issue 13, item 5): does the query frontend's memory stay flat
 * under sustained load? The MNIST perceptron of mnist.ts behind a frontend
 * started as the Admin starts one (src/frontend/main.ts driven over comlink, its
 * inference workers its subprocesses, sandboxed where bubblewrap works). h2load
 * first measures the maximum rate, then sends a share of it (80 %) for
 * `--minutes`, while the RSS of every process (the frontend; each inference
 * worker with its sandbox, as one tree; h2load not) is read from /proc every few
 * seconds. Prints per process: the idle RSS before and after the load (the
 * frontend's after a forced full GC, through a channel only this script
 * reaches), the first and last minute under load, the peak, the growth and
 * peak/idle ratio; and h2load's requests by status class.
 *
 *   bun scripts/bench/soak.ts                          # 10 minutes at 80 % of the maximum, -c 8 -m 16
 *   bun scripts/bench/soak.ts --minutes 1 --share 0.5  # a short look
 *
 * Targets (issue 13): growth < 10 %, peak < 2× the idle figure. Needs h2load
 * (Debian: apt-get install nghttp2-client). Run it on a quiet machine: the
 * maximum, and so the rate, is measured on the spot.
 */
import * as Comlink from 'comlink';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FRONTEND_CHANNEL, FRONTEND_DEFAULTS, type FrontendApi } from '../../src/common/protocols/frontend.ts';
import { bubblewrapProblem } from '../../src/common/services/bubblewrap.ts';
import { LocalServices } from '../../src/common/services/local.ts';
import { ProcessTable } from '../../src/common/services/process-tree.ts';
import { unsandboxed } from '../../src/common/services/sandbox.ts';
import { idleMemory, MEASURED_FRONTEND, MEMORY_CHANNEL, type MemoryApi } from '../../test/support/measured-frontend.ts';
import { TEST_KEYS, testToken } from '../../test/support/tokens.ts';
import { MNIST_CLASSES, writeMnist } from './mnist.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    share: { type: 'string', default: '0.8' },
    'max-seconds': { type: 'string', default: '20' },
    every: { type: 'string', default: '5' },
    clients: { type: 'string', default: '8' },
    streams: { type: 'string', default: '16' },
    replicas: { type: 'string', default: '1' },
  },
});
const minutes = positive('minutes');
const share = positive('share');
const maxSeconds = positive('max-seconds');
const everySeconds = positive('every');
if (share > 1) throw new Error(`--share is a fraction of the maximum rate, at most 1, got ${share}`);

const MB = 2 ** 20;
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;

function positive(name: keyof typeof args): number {
  const value = Number(args[name]);
  if (!(value > 0)) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(args[name])}`);
  return value;
}

interface H2loadResult { rps: number; statuses: string; requests: string; latency: string }

/** One process or process tree whose RSS is followed, by a name that outlives a worker's restart. */
interface Watched { name: string; rss(): number }

if (Bun.which('h2load') === null) {
  console.error('h2load is missing: install it with `apt-get install -y nghttp2-client` (Debian package nghttp2-client).');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'rafiki-soak-'));
const { modelPath, bodyPath } = writeMnist(dir);
const sandbox = (await bubblewrapProblem()) === null;
const child = await new LocalServices({ sandbox: unsandboxed }).spawn({
  kind: 'PREDICTOR', run: { script: MEASURED_FRONTEND }, untrusted: false, limits: { memoryBytes: 16 * 1024 ** 3, processes: 256 },
});
const frontend = Comlink.wrap<FrontendApi>(child.endpoint(FRONTEND_CHANNEL));
const memory = Comlink.wrap<MemoryApi>(child.endpoint(MEMORY_CHANNEL));
try {
  const { port } = await frontend.start({
    ...FRONTEND_DEFAULTS, jobId: `soak-${crypto.randomUUID().slice(0, 8)}`, app: 'mnist', appVersion: 1, task: 'IMAGE_CLASSIFICATION',
    host: '127.0.0.1', port: 0, deadlineMs: 5000, replicasPerTrial: Number(args.replicas), sandbox, workerLimits: { memoryBytes: 2 * 1024 ** 3, processes: 32 },
    auth: { publicKey: TEST_KEYS.publicKeyPem, ownerId: 'bench', banned: [] },
    trials: [{ trialId: 'mlp', onnxPath: modelPath, template: { path: '', nodeModules: '', className: '', knobs: {} }, paramsPath: '', classes: MNIST_CLASSES }],
  });
  await soak(port);
} finally {
  await frontend.stop().catch(() => {});
  await child.stop();
  rmSync(dir, { recursive: true, force: true });
}

async function soak(port: number): Promise<void> {
  const clients = Number(args.clients);
  const token = await testToken('soak-user', 'APP_USER');
  const h2load = (options: string[]) => runH2load([...options, '-c', args.clients!, '-m', args.streams!, '-d', bodyPath,
    '-H', 'content-type: application/json', '-H', `authorization: Bearer ${token}`, `http://127.0.0.1:${port}/predict`]);

  console.log(`one 28×28 query per request, ${args.replicas} inference worker(s)${sandbox ? ' in the sandbox' : ' (unsandboxed: bubblewrap cannot sandbox here)'}, h2load -c ${args.clients} -m ${args.streams}`);
  const max = await h2load(['-D', String(maxSeconds)]);
  // h2load's --rps is per client.
  const perClient = Math.max(1, Math.floor((max.rps * share) / clients));
  console.log(`maximum: ${max.rps.toFixed(0)} req/s over ${maxSeconds} s (${max.statuses}); the soak: ${perClient * clients} req/s (${(share * 100).toFixed(0)} %) for ${minutes} min`);

  const watched = await watchedProcesses();
  const before = new Map(watched.map((w) => [w.name, w.rss()]));
  before.set('frontend', (await idleMemory(memory)).rss);

  const samples: { at: number; rss: Map<string, number> }[] = [];
  const started = Date.now();
  let minute = 0;
  const sampler = setInterval(() => {
    samples.push({ at: Date.now() - started, rss: new Map(watched.map((w) => [w.name, w.rss()])) });
    const now = Math.floor((Date.now() - started) / 60_000);
    if (now > minute) {
      minute = now;
      const last = samples.filter((s) => s.at >= (now - 1) * 60_000);
      console.log(`minute ${now}: ${watched.map((w) => `${w.name} ${mb(median(last.map((s) => s.rss.get(w.name)!)))} (max ${mb(Math.max(...last.map((s) => s.rss.get(w.name)!)))})`).join(', ')}`);
    }
  }, everySeconds * 1000);
  let soaked: H2loadResult;
  try {
    soaked = await h2load(['-D', String(Math.round(minutes * 60)), '--rps', String(perClient)]);
  } finally {
    clearInterval(sampler);
  }
  const idleFrontend = (await idleMemory(memory)).rss;
  const after = new Map(watched.map((w) => [w.name, w.rss()]));
  after.set('frontend', idleFrontend);
  const stats = await frontend.stats();

  console.log(`\nthe soak: ${soaked.rps.toFixed(0)} req/s; ${soaked.requests}; ${soaked.statuses}`);
  console.log(`time for request (min, max, mean, sd): ${soaked.latency}`);
  if (stats && stats.workers.some((w) => w.restarts > 0)) console.log(`worker restarts: ${stats.workers.map((w) => w.restarts).join(', ')}`);
  report(watched, samples, before, after);
}

/** The frontend, and each inference worker's process tree (its sandbox with it), found again by index after a restart. */
async function watchedProcesses(): Promise<Watched[]> {
  const frontendPid = child.pid!;
  const workers = (await frontend.stats())?.workers ?? [];
  let pids = workers.map((w) => w.pid);
  // A restarted worker has a new pid: it is looked up again at most once per sampling.
  let lastLookup = 0;
  const refresh = () => {
    if (Date.now() - lastLookup < everySeconds * 1000) return;
    lastLookup = Date.now();
    void frontend.stats().then((s) => {
      if (s) pids = s.workers.map((w) => w.pid);
    }, () => {});
  };
  return [
    { name: 'frontend', rss: () => rssOf(frontendPid) },
    ...workers.map((w, i): Watched => ({
      name: `worker ${w.trialId}${workers.length > 1 ? `#${i + 1}` : ''}`,
      rss: () => {
        const pid = pids[i];
        const usage = pid === undefined ? null : ProcessTable.read().usage(pid);
        if (!usage || usage.processes === 0) refresh();
        return usage?.memoryBytes ?? 0;
      },
    })),
  ];
}

/** One process's resident set, bytes; 0 once it is gone. */
function rssOf(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

function report(watched: Watched[], samples: { at: number; rss: Map<string, number> }[], before: Map<string, number>, after: Map<string, number>): void {
  // The first and the last minute under load (a fifth of a shorter soak): medians, so that one GC's timing does not decide.
  const window = Math.min(60_000, (samples.at(-1)?.at ?? 0) / 5);
  const end = samples.at(-1)?.at ?? 0;
  const columns = ['idle before', 'load: first', 'load: last', 'peak', 'idle after', 'growth', 'load drift', 'peak/idle'];
  console.log(`\nRSS per process (idle: the frontend's after a forced GC; load: medians of the first and last ${(window / 1000).toFixed(0)} s; ${samples.length} samples every ${everySeconds} s)`);
  console.log(['process'.padEnd(16), ...columns.map((c) => c.padStart(12))].join(''));
  const verdicts: string[] = [];
  for (const { name } of watched) {
    const series = samples.map((s) => s.rss.get(name)!).filter((v) => v > 0);
    const first = median(samples.filter((s) => s.at <= window).map((s) => s.rss.get(name)!));
    const last = median(samples.filter((s) => s.at >= end - window).map((s) => s.rss.get(name)!));
    const peak = Math.max(...series);
    const idleBefore = before.get(name)!;
    const idleAfter = after.get(name)!;
    const growth = idleAfter / idleBefore - 1;
    const drift = last / first - 1;
    const ratio = peak / idleBefore;
    const percent = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
    console.log([name.padEnd(16), ...[mb(idleBefore), mb(first), mb(last), mb(peak), mb(idleAfter), percent(growth), percent(drift), `${ratio.toFixed(2)}×`].map((c) => c.padStart(12))].join(''));
    const ok = (pass: boolean) => (pass ? 'ok' : 'MISSED');
    verdicts.push(`${name}: growth ${percent(growth)} and load drift ${percent(drift)} (target < 10 %: ${ok(growth < 0.1 && drift < 0.1)}), peak ${ratio.toFixed(2)}× idle (target < 2×: ${ok(ratio < 2)})`);
  }
  console.log(`\n${verdicts.join('\n')}`);
}

async function runH2load(argv: string[]): Promise<H2loadResult> {
  const h2load = Bun.spawn(['h2load', ...argv], { stdout: 'pipe', stderr: 'pipe' });
  const [out, err] = await Promise.all([new Response(h2load.stdout).text(), new Response(h2load.stderr).text()]);
  if ((await h2load.exited) !== 0) throw new Error(`h2load failed: ${err || out}`);
  return {
    rps: Number(/finished in [^,]+, ([\d.]+) req\/s/.exec(out)?.[1] ?? NaN),
    statuses: /status codes: (.*)/.exec(out)?.[1] ?? 'no status codes',
    requests: /requests: (.*)/.exec(out)?.[1] ?? 'no request counts',
    latency: /time for request:\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)/.exec(out)?.slice(1, 5).join(', ') ?? 'unknown',
  };
}

function median(values: number[]): number {
  const sorted = values.filter((v) => v > 0).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
