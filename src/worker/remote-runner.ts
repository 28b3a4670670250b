/**
 * A Rafiki process on another host, started by one command line with the
 * Admin's process address and the token the Admin issued for it:
 *
 *   bun src/worker/remote-runner.ts --admin http://admin:3003 --token <token> [--ca <PEM file>]
 *
 * (`--ca`: the certificates to trust for an https:// process port, which its
 * agent passes on from its own.) It connects to the Admin's process port, is told its spec, fetches the files
 * the spec names, and starts the process on this host through the local
 * services (this host's sandbox and limits); it relays the process's IPC pipe
 * over the link, reports its usage and its end, and ends with the link: if
 * the Admin goes away, so does the process.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { IpcPort } from '../common/ipc/channel.ts';
import { decodeFrame, encodeFrame } from '../common/ipc/socket-wire.ts';
import type { AdminToRunner, RemoteSpec, RunnerToAdmin } from '../common/protocols/remote.ts';
import { chooseSandbox } from '../common/services/choose-sandbox.ts';
import { LocalServices } from '../common/services/local.ts';
import type { ManagedProcess } from '../common/services/services.ts';
import { linkSdk } from '../model/sdk-link.ts';
import { connect, get, linkFailure, readCa, type ProcessPort } from './process-port-link.ts';

const PROJECT_ROOT = resolve(import.meta.dir, '../..');
const USAGE_EVERY_MS = 1000;
const START_TIMEOUT_MS = 30_000;

const USAGE = 'usage: bun src/worker/remote-runner.ts --admin <the Admin\'s process address> --token <this process\'s token> [--ca <PEM file>]';
const { values } = parseArgs({ options: { admin: { type: 'string' }, token: { type: 'string' }, ca: { type: 'string' } } });
if (!values.admin || !values.token) {
  console.error(USAGE);
  process.exit(2);
}
let ca: string | undefined;
try {
  ca = values.ca === undefined ? undefined : readCa(values.ca);
} catch (error) {
  console.error(`remote runner: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const admin: ProcessPort = { url: values.admin.replace(/\/+$/, ''), token: values.token, ...(ca ? { ca } : {}) };
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

async function fetchFile(name: string, to: string): Promise<void> {
  const response = await get(admin, `/processes/files/${name}`);
  if (!response.ok) throw new Error(`could not fetch its file ${name}: ${response.status} ${await response.text()}`);
  await Bun.write(to, response);
}

async function start(spec: RemoteSpec): Promise<void> {
  const files: Record<string, string> = {};
  for (const name of spec.files) {
    files[name] = join(folder, 'in', name);
    mkdirSync(join(folder, 'in'), { recursive: true });
    await fetchFile(name, files[name]!);
  }
  let template: { file: string; nodeModules: string } | undefined;
  if (spec.template) {
    template = { file: join(folder, 'template', 'template.ts'), nodeModules: join(folder, 'template', 'node_modules') };
    await fetchFile('template', template.file);
    linkSdk(template.nodeModules);
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
