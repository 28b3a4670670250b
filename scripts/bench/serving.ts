/**
 * Serving benchmark (issue 7): the same h2load load against four servers of the
 * MNIST perceptron 784-512-256-10 as ONNX (random weights: inference cost is
 * what matters, not accuracy), one 28×28 query (784 pixel values as JSON) per
 * request:
 *   (a) floor: a minimal node:http2 server (its `stream` event) that parses the request and returns a constant;
 *   (b) naive: the same server running onnxruntime per request in its own process;
 *   (c) rafiki: the query frontend with the in-process queue;
 *   (d) rafiki+redis: the frontend with Redis Streams (REDIS_URL, default redis://127.0.0.1:6379);
 *   (e) rafiki-unsandboxed: (c) with its inference workers outside the sandbox (RAFIKI_SANDBOX=off),
 *       to measure what the sandbox costs; (c) and (d) run them sandboxed where bubblewrap works.
 * Rounds alternate the servers; figures are medians over rounds.
 *
 *   bun scripts/bench/serving.ts                       # 5 rounds of 20,000 requests, -c 8 -m 16
 *   bun scripts/bench/serving.ts --rounds 3 --requests 10000 --only floor,naive,rafiki
 *   bun scripts/bench/serving.ts --replicas 2            # two inference workers (REPLICA_COUNT) for (c) and (d)
 *
 * Needs h2load (Debian: apt-get install nghttp2-client). Every server runs in a
 * process of its own: (a) and (b) as subprocesses of this script (`--serve
 * floor|naive`), (c) and (d) as the Admin deploys them, src/frontend/main.ts
 * driven over comlink, with their inference workers as its subprocesses.
 */
import * as Comlink from 'comlink';
import http2, { type ServerHttp2Stream } from 'node:http2';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FRONTEND_CHANNEL, FRONTEND_DEFAULTS, type FrontendApi } from '../../src/common/protocols/frontend.ts';
import { bubblewrapProblem } from '../../src/common/services/bubblewrap.ts';
import { LocalServices } from '../../src/common/services/local.ts';
import { ProcessTable } from '../../src/common/services/process-tree.ts';
import { unsandboxed } from '../../src/common/services/sandbox.ts';
import { imageQueriesToTensor } from '../../src/model/queries/image.ts';
import { TEST_KEYS, testToken } from '../../test/support/tokens.ts';
import { MNIST_CLASSES, writeMnist } from './mnist.ts';

const { values: args } = parseArgs({
  options: {
    serve: { type: 'string' },
    model: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    requests: { type: 'string', default: '20000' },
    clients: { type: 'string', default: '8' },
    streams: { type: 'string', default: '16' },
    only: { type: 'string', default: 'floor,naive,rafiki,rafiki+redis,rafiki-unsandboxed' },
    replicas: { type: 'string', default: '1' },
  },
});

/** Linux's clock ticks per second, the unit of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = Number(Bun.spawnSync(['getconf', 'CLK_TCK']).stdout.toString().trim()) || 100;

/** An app user's token of the tests' key, which the frontends here trust. */
const TOKEN = testToken('bench-user', 'APP_USER');

/** Whether (c) and (d) can run their workers in the sandbox here. */
const sandboxWorks = (await bubblewrapProblem()) === null;

if (args.serve) await serve(args.serve, args.model!);
else await main();

/** The baselines' servers, each in a process of its own; prints its port. */
async function serve(kind: string, modelPath: string): Promise<void> {
  let predict: (query: unknown) => Promise<string> = async () => '{"prediction":[0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1]}';
  if (kind === 'naive') {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const shape = { height: 28, width: 28, channels: 1 as const };
    predict = async (query) => {
      const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', imageQueriesToTensor([query], shape), [1, 28, 28, 1]) });
      return JSON.stringify({ prediction: Array.from(out[session.outputNames[0]!]!.data as Float32Array) });
    };
  }
  // The `stream` event, the cheapest API node:http2 has and the one the frontend serves from:
  // the compatibility request/response objects would cost the baselines about a quarter more per request.
  const server = http2.createServer();
  server.on('stream', (stream: ServerHttp2Stream) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { query: unknown };
      const answer = await predict(body.query);
      stream.respond({ ':status': 200, 'content-type': 'application/json' });
      stream.end(answer);
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(`port ${(server.address() as { port: number }).port}`));
}

interface Server {
  name: string;
  port: number;
  stop(): Promise<void>;
  /** The server's processes by role (the frontend's workers too), for CPU per request. */
  processes(): Promise<{ role: string; pid: number }[]>;
  batchSizes?: () => Promise<Record<number, number>>;
}
interface Figures { rps: number; p50: number; p99: number; failed: number; batches?: Record<number, number>; cpu: Record<string, number> }

async function main(): Promise<void> {
  if (Bun.spawnSync(['sh', '-c', 'command -v h2load']).exitCode !== 0) {
    console.error('h2load is missing: install it with `apt-get install -y nghttp2-client` (Debian package nghttp2-client).');
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'rafiki-bench-'));
  const { modelPath, bodyPath } = writeMnist(dir);

  const only = new Set(args.only!.split(','));
  const servers: Server[] = [];
  try {
    for (const name of ['floor', 'naive', 'rafiki', 'rafiki+redis', 'rafiki-unsandboxed'].filter((n) => only.has(n))) servers.push(await startServer(name, modelPath));
    const load = ['-c', args.clients!, '-m', args.streams!];
    console.log(`h2load -n ${args.requests} ${load.join(' ')}, ${args.rounds} rounds, one 28×28 query per request, ${args.replicas} inference worker(s) per frontend; servers: ${servers.map((s) => s.name).join(', ')}`);
    for (const server of servers) await run(server, bodyPath, dir, 2000, load);
    const results = new Map<string, Figures[]>(servers.map((s) => [s.name, []]));
    for (let round = 1; round <= Number(args.rounds); round++) {
      const order = round % 2 === 1 ? servers : [...servers].reverse();
      for (const server of order) {
        const figures = await run(server, bodyPath, dir, Number(args.requests), load);
        results.get(server.name)!.push(figures);
        console.log(`round ${round} ${server.name.padEnd(13)} ${figures.rps.toFixed(0).padStart(6)} req/s  p50 ${figures.p50.toFixed(2)} ms  p99 ${figures.p99.toFixed(2)} ms${figures.failed ? `  FAILED ${figures.failed}` : ''}`);
      }
    }
    report(results);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startServer(name: string, modelPath: string): Promise<Server> {
  if (name === 'floor' || name === 'naive') {
    const child = Bun.spawn([process.execPath, import.meta.path, '--serve', name, '--model', modelPath], { stdout: 'pipe', stderr: 'inherit' });
    const reader = child.stdout.getReader();
    let text = '';
    while (!/port \d+/.test(text)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the ${name} server exited: ${text}`);
      text += new TextDecoder().decode(value);
    }
    return {
      name, port: Number(/port (\d+)/.exec(text)![1]),
      stop: async () => { child.kill(); await child.exited; },
      processes: async () => [{ role: 'server', pid: child.pid }],
    };
  }
  const redisUrl = name === 'rafiki+redis' ? (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') : undefined;
  const child = await new LocalServices({ sandbox: unsandboxed }).spawn({
    kind: 'PREDICTOR', run: { script: new URL('../../src/frontend/main.ts', import.meta.url).pathname }, untrusted: false, limits: { memoryBytes: 16 * 1024 ** 3, processes: 256 },
  });
  const frontend = Comlink.wrap<FrontendApi>(child.endpoint(FRONTEND_CHANNEL));
  const { port } = await frontend.start({
    ...FRONTEND_DEFAULTS, jobId: `bench-${crypto.randomUUID().slice(0, 8)}`, app: 'mnist', appVersion: 1, task: 'IMAGE_CLASSIFICATION',
    host: '127.0.0.1', port: 0, redisUrl, deadlineMs: 5000, replicasPerTrial: Number(args.replicas),
    sandbox: name !== 'rafiki-unsandboxed' && sandboxWorks, workerLimits: { memoryBytes: 2 * 1024 ** 3, processes: 32 },
    auth: { publicKey: TEST_KEYS.publicKeyPem, ownerId: 'bench', banned: [] },
    trials: [{ trialId: 'mlp', onnxPath: modelPath, template: { path: '', nodeModules: '', className: '', knobs: {} }, paramsPath: '', classes: MNIST_CLASSES }],
  });
  return {
    name, port,
    stop: async () => {
      await frontend.stop();
      await child.stop();
    },
    processes: async () => [
      { role: 'frontend', pid: child.pid! },
      ...((await frontend.stats())?.workers ?? []).flatMap((w) => (w.pid === undefined ? [] : [{ role: 'workers', pid: w.pid }])),
    ],
    batchSizes: async () => ({ ...(await frontend.stats())?.batchSizes }),
  };
}

/** CPU seconds (user + system) a process has used so far; NaN where /proc is not there. */
function cpuSeconds(pid: number, role: string): number {
  // A worker may be a sandbox: its CPU is its whole tree's.
  if (role === 'workers') return ProcessTable.read().usage(pid).cpuSeconds;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // After the command: state is field 3 of stat(5), utime 14 and stime 15, in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

async function run(server: Server, bodyPath: string, dir: string, requests: number, load: string[]): Promise<Figures> {
  const log = join(dir, `${server.name}.log`);
  const before = (await server.batchSizes?.()) ?? {};
  const processes = await server.processes();
  const cpuBefore = processes.map(({ pid, role }) => cpuSeconds(pid, role));
  // Every server gets the same request, with an app user's token: Rafiki's frontend checks it, the baselines ignore it.
  const h2load = Bun.spawn(['h2load', '-n', String(requests), ...load, '-d', bodyPath, '-H', 'content-type: application/json', '-H', `authorization: Bearer ${await TOKEN}`, '--log-file', log, `http://127.0.0.1:${server.port}/predict`], { stdout: 'pipe', stderr: 'pipe' });
  const out = await new Response(h2load.stdout).text();
  await h2load.exited;
  const rps = Number(/finished in [^,]+, ([\d.]+) req\/s/.exec(out)?.[1] ?? NaN);
  const failed = Number(/(\d+) failed/.exec(out)?.[1] ?? 0) + Number(/(\d+) errored/.exec(out)?.[1] ?? 0);
  // --log-file: start (µs since the epoch), status, duration (µs), one request a line.
  const durations = readFileSync(log, 'utf8').trim().split('\n').map((line) => Number(line.split('\t')[2]) / 1000).sort((a, b) => a - b);
  const cpu: Record<string, number> = {};
  processes.forEach(({ role, pid }, i) => {
    cpu[role] = (cpu[role] ?? 0) + ((cpuSeconds(pid, role) - cpuBefore[i]!) * 1e6) / requests;
  });
  const after = await server.batchSizes?.();
  const batches = after && Object.fromEntries(Object.entries(after).map(([size, n]) => [size, n - (before[Number(size)] ?? 0)]).filter(([, n]) => Number(n) > 0));
  return { rps, p50: quantile(durations, 0.5), p99: quantile(durations, 0.99), failed, batches, cpu };
}

function report(results: Map<string, Figures[]>): void {
  const median = (values: number[]) => quantile([...values].sort((a, b) => a - b), 0.5);
  const summary = new Map([...results].map(([name, runs]) => [name, {
    rps: median(runs.map((r) => r.rps)), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)),
    failed: runs.reduce((a, r) => a + r.failed, 0), batches: mergeBatches(runs),
    cpu: Object.keys(runs[0]?.cpu ?? {}).map((role) => `${role} ${median(runs.map((r) => r.cpu[role]!)).toFixed(0)}`).join(', '),
  }]));
  console.log('\nmedians over rounds');
  for (const [name, s] of summary) {
    const batches = s.batches.size > 0 ? `  batch sizes: median ${batchQuantile(s.batches, 0.5)}, p10 ${batchQuantile(s.batches, 0.1)}, p90 ${batchQuantile(s.batches, 0.9)} (${histogram(s.batches)})` : '';
    console.log(`${name.padEnd(13)} ${s.rps.toFixed(0).padStart(6)} req/s  p50 ${s.p50.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms${s.failed ? `  failed ${s.failed}` : ''}  CPU µs/request: ${s.cpu}${batches}`);
  }
  const ratio = (a: string, b: string, target: number, p99Check = false) => {
    const x = summary.get(a);
    const y = summary.get(b);
    if (!x || !y) return;
    const r = x.rps / y.rps;
    // Rounds alternate the servers, so round k of each ran side by side.
    const perRound = results.get(a)!.map((run, k) => run.rps / results.get(b)![k]!.rps).sort((u, v) => u - v);
    const spread = ` [rounds ${perRound[0]!.toFixed(2)}–${perRound.at(-1)!.toFixed(2)}]`;
    const p99 = p99Check ? `; p99 ${x.p99.toFixed(2)} vs ${y.p99.toFixed(2)} ms ${x.p99 <= y.p99 ? 'ok' : 'MISSED (target p99(c) ≤ p99(b))'}` : '';
    console.log(`${a}/${b} throughput ${r.toFixed(2)}${spread} (target ≥ ${target}: ${r >= target ? 'ok' : 'MISSED'})${p99}`);
  };
  console.log('');
  ratio('rafiki', 'naive', 2.0, true);
  ratio('rafiki', 'floor', 0.8);
  ratio('rafiki+redis', 'naive', 1.5);
  if (sandboxWorks) ratio('rafiki', 'rafiki-unsandboxed', 0.95);
  else console.log('rafiki/rafiki-unsandboxed: not measured, bubblewrap cannot sandbox here');
}

function mergeBatches(runs: Figures[]): Map<number, number> {
  const merged = new Map<number, number>();
  for (const run of runs) for (const [size, n] of Object.entries(run.batches ?? {})) merged.set(Number(size), (merged.get(Number(size)) ?? 0) + n);
  return merged;
}

/** The batch size below which the given share of queries was batched. */
function batchQuantile(batches: Map<number, number>, q: number): number {
  const sizes = [...batches].sort(([a], [b]) => a - b);
  const total = sizes.reduce((a, [size, n]) => a + size * n, 0);
  let seen = 0;
  for (const [size, n] of sizes) {
    seen += size * n;
    if (seen >= q * total) return size;
  }
  return 0;
}

function histogram(batches: Map<number, number>): string {
  const edges = [1, 2, 4, 8, 16, 32, 48, 64, Infinity];
  const counts = edges.map(() => 0);
  for (const [size, n] of batches) counts[edges.findIndex((e) => size <= e)]! += n;
  return edges.map((e, i) => (counts[i] ? `≤${e === Infinity ? '∞' : e}: ${counts[i]}` : '')).filter(Boolean).join(', ') + ' batches';
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
