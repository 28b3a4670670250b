/**
 * A Rafiki process on another host, started by one command line with the
 * Admin's process address and the token the Admin issued for it:
 *
 *   bun src/worker/remote-runner.ts --admin http://admin:3003 --token <token> [--ca <PEM file>]
 *
 * (`--ca`: the certificates to trust for an https:// process port, which its
 * agent passes on from its own.) It connects to the Admin's process port, is
 * told its spec, fetches the files the spec names (a folder once per host:
 * ./folder-cache.ts), and starts the process on this host through the local
 * services (this host's sandbox and limits); it relays the process's IPC pipe
 * over the link, reports its usage and its end, and ends with the link: if
 * the Admin goes away, so does the process.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { IpcPort } from '../common/ipc/channel.ts';
import { decodeFrame, encodeFrame } from '../common/ipc/socket-wire.ts';
import { TEMPLATE_MODULES, type AdminToRunner, type RemoteFolder, type RemoteSpec, type RunnerToAdmin } from '../common/protocols/remote.ts';
import { chooseSandbox } from '../common/services/choose-sandbox.ts';
import { LocalServices } from '../common/services/local.ts';
import type { ManagedProcess } from '../common/services/services.ts';
import { connect, get, linkFailure, processPortOfArgs } from './process-port-link.ts';
import { FolderCache } from './folder-cache.ts';

const PROJECT_ROOT = resolve(import.meta.dir, '../..');
const USAGE_EVERY_MS = 1000;
const START_TIMEOUT_MS = 30_000;

const { port: admin } = processPortOfArgs({
  program: 'remote runner',
  usage: 'usage: bun src/worker/remote-runner.ts --admin <the Admin\'s process address> --token <this process\'s token> [--ca <PEM file>]',
});
const folder = mkdtempSync(join(tmpdir(), 'rafiki-remote-'));
let child: ManagedProcess | null = null;
/** The process's whole IPC pipe, once it runs. */
let port: IpcPort | null = null;

const socket = connect(admin, '/processes/connect');
/** Why the link could not be made, when the socket says. */
let failure: string | null = null;
const send = (message: RunnerToAdmin) => {
  if (socket.readyState === WebSocket.OPEN) socket.send(encodeFrame(message));
};

function finish(code: number): never {
  rmSync(folder, { recursive: true, force: true });
  process.exit(code);
}

const startTimer = setTimeout(() => {
  console.error(`remote runner: no spec from ${admin.url} within ${START_TIMEOUT_MS / 1000} s`);
  finish(1);
}, START_TIMEOUT_MS);

socket.addEventListener('message', (event) => {
  const message = decodeFrame<AdminToRunner>(event.data as ArrayBuffer);
  switch (message.type) {
    case 'start':
      clearTimeout(startTimer);
      start(message.spec).catch((error: unknown) => {
        send({ type: 'failed', message: (error as Error).message });
        socket.close();
      });
      break;
    case 'ipc':
      port?.send(message.message);
      break;
    case 'stop':
      void child?.stop(message.graceMs);
      break;
    case 'restart-cpu-clock':
      child?.restartCpuClock();
      break;
  }
});
socket.addEventListener('error', (event) => {
  failure = linkFailure(event, admin).message;
});
socket.addEventListener('close', (event) => {
  // The link is this process's life line: without the Admin, nothing waits on it.
  if (child?.status() === 'RUNNING') void child.stop(0).then(() => finish(0));
  else if (!child) {
    console.error(failure
      ? `remote runner: no link to the Admin: ${failure}`
      : `remote runner: the link to ${admin.url} closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`);
    finish(1);
  }
});

async function download(name: string): Promise<Response> {
  const response = await get(admin, `/processes/files/${name}`);
  if (!response.ok || !response.body) throw new Error(`could not fetch its file ${name}: ${response.status} ${await response.text()}`);
  return response;
}

async function fetchFile(name: string, to: string): Promise<void> {
  await Bun.write(to, await download(name));
}

/** A file whose imports resolve from `modules`: in a folder of its own, beside a link to them. */
async function fetchBeside(name: string, file: string, modules: string): Promise<string> {
  const home = join(folder, 'beside', name);
  mkdirSync(home, { recursive: true });
  symlinkSync(modules, join(home, 'node_modules'), 'dir');
  await fetchFile(name, join(home, file));
  return join(home, file);
}

async function start(spec: RemoteSpec): Promise<void> {
  // Names become paths here: they must be plain, as the process port's routes are.
  const odd = spec.files.find((name) => !/^[\w-]+$/.test(name));
  if (odd !== undefined) throw new Error(`its file name ${JSON.stringify(odd)} is not a plain name`);
  let cache: FolderCache | undefined;
  const cached = (sent: RemoteFolder, name: string) => (cache ??= new FolderCache(join(tmpdir(), 'rafiki-folders'))).folder(sent, async () => (await download(name)).body!);
  const folders = spec.folders ?? {};
  const files: Record<string, string> = {};
  // Folders first: files that import from them are placed beside them.
  for (const name of spec.files) {
    const sent = folders[name];
    if (sent) files[name] = await cached(sent, name);
  }
  for (const name of spec.files) {
    if (folders[name]) continue;
    const modules = spec.modulesOf?.[name];
    if (modules !== undefined) {
      if (!folders[modules]) throw new Error(`its file ${name} imports from ${modules}, which is not one of its folders`);
      files[name] = await fetchBeside(name, name, files[modules]!);
    } else {
      mkdirSync(join(folder, 'in'), { recursive: true });
      files[name] = join(folder, 'in', name);
      await fetchFile(name, files[name]);
    }
  }
  let template: { file: string; nodeModules: string } | undefined;
  if (spec.template) {
    const nodeModules = await cached(spec.template.modules, TEMPLATE_MODULES);
    template = { file: await fetchBeside('template', 'template.ts', nodeModules), nodeModules };
  }
  const script = resolve(PROJECT_ROOT, spec.run.script);
  if (!script.startsWith(`${PROJECT_ROOT}/`)) throw new Error(`its script ${spec.run.script} is not part of Rafiki`);
  const services = new LocalServices({ sandbox: await chooseSandbox(spec.sandbox, (warning) => console.error(warning)) });
  const launched = await services.launch({
    kind: spec.kind, run: { script, ...(spec.run.args ? { args: spec.run.args } : {}) }, untrusted: spec.untrusted,
    files, ...(template ? { template } : {}), ...(spec.env ? { env: spec.env } : {}), limits: spec.limits,
  });
  child = launched.process;
  port = launched.port;
  launched.port.onMessage((message) => send({ type: 'ipc', message: message as never }));
  send({ type: 'started', paths: child.paths, sandboxed: child.sandboxed, pid: child.pid ?? 0, hostname: hostname() });
  const usage = setInterval(() => {
    const now = child?.usage();
    if (now) send({ type: 'usage', usage: now });
  }, USAGE_EVERY_MS);
  const info = await child.wait();
  clearInterval(usage);
  send({ type: 'exit', info });
  socket.close();
  finish(0);
}
