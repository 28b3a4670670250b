/**
 * A Rafiki agent: makes this host a place where the Admin starts processes
 * (RAFIKI_SERVICES=agents), for clusters without Kubernetes.
 *
 *   bun src/worker/agent.ts --admin http://admin:3003 --token <RAFIKI_AGENT_TOKEN> [--ca <PEM file>]
 *
 * It keeps a link to the Admin's process port (connecting again when it drops),
 * runs each command line it is given (a remote runner's, which connects to the
 * Admin by itself), and says when one ends. It runs nothing else: the command
 * must be the runner's. The certificates it trusts for an https:// process port
 * (`--ca`, or NODE_EXTRA_CA_CERTS) are its runners' too: trust is this host's
 * to give, not the Admin's. An Admin whose certificate it does not trust ends it,
 * saying so; any other failure to connect it tries again.
 */
import type { Subprocess } from 'bun';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { decodeFrame, encodeFrame } from '../common/ipc/socket-wire.ts';
import type { AdminToAgent, AgentToAdmin } from '../common/protocols/remote.ts';
import { connect as connectTo, linkFailure, processPortOfArgs } from './process-port-link.ts';

const PROJECT_ROOT = resolve(import.meta.dir, '../..');
const RUNNER = 'src/worker/remote-runner.ts';
const RECONNECT_MS = 1000;
const KILL_GRACE_MS = 5000;

const { port: admin, caFile } = processPortOfArgs({
  program: 'agent',
  usage: 'usage: bun src/worker/agent.ts --admin <the Admin\'s process address> --token <the agents\' token> [--ca <PEM file>]',
});
/** What the runners are given to trust: the same as this agent, as absolute paths (they start in the project root). */
const runnerCa = caFile === undefined ? [] : ['--ca', resolve(caFile)];
const extraCa = process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: resolve(process.env.NODE_EXTRA_CA_CERTS) } : {};
const children = new Map<string, Subprocess>();
let socket: WebSocket | null = null;
/** The last reason a connection failed, until one succeeds. */
let lastFailure: string | null = null;

const send = (message: AgentToAdmin) => {
  if (socket?.readyState === WebSocket.OPEN) socket.send(encodeFrame(message));
};

/** Only the runner's command line, run by this Bun from this Rafiki. */
function runnerArgs(command: string[]): string[] | null {
  const [bun, script, ...rest] = command;
  if (bun !== 'bun' || script !== RUNNER || rest.length !== 4 || rest[0] !== '--admin' || rest[2] !== '--token') return null;
  return [process.execPath, resolve(PROJECT_ROOT, RUNNER), ...rest, ...runnerCa];
}

function launch(processId: string, command: string[]): void {
  const argv = runnerArgs(command);
  if (!argv) {
    send({ type: 'gone', processId, reason: 'was refused by its agent: not a remote runner\'s command line' });
    return;
  }
  const child = Bun.spawn(argv, {
    cwd: PROJECT_ROOT, stdin: 'ignore', stdout: 'inherit', stderr: 'inherit',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}), ...extraCa },
  });
  children.set(processId, child);
  void child.exited.then((code) => {
    if (children.get(processId) !== child) return;
    children.delete(processId);
    send({ type: 'gone', processId, reason: child.signalCode ? `was killed by ${child.signalCode} on ${hostname()}` : `exited with code ${code} on ${hostname()}` });
  });
}

function remove(processId: string): void {
  const child = children.get(processId);
  if (!child) return;
  children.delete(processId);
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
}

function connect(): void {
  const ws = connectTo(admin, '/agents/connect');
  socket = ws;
  ws.addEventListener('open', () => {
    lastFailure = null;
    send({ type: 'hello', hostname: hostname() });
    console.log(`agent: linked to the Admin at ${admin.url} as ${hostname()}`);
  });
  ws.addEventListener('error', (event) => {
    const failure = linkFailure(event, admin);
    if (failure.untrusted) {
      console.error(`agent: ${failure.message}`);
      stop(1);
    }
    // Said once, not at every attempt, while the Admin stays unreachable.
    if (failure.message !== lastFailure) console.error(`agent: ${failure.message}; trying again every ${RECONNECT_MS / 1000} s`);
    lastFailure = failure.message;
  });
  ws.addEventListener('message', (event) => {
    const message = decodeFrame<AdminToAgent>(event.data as ArrayBuffer);
    if (message.type === 'launch') launch(message.processId, message.command);
    else if (message.type === 'remove') remove(message.processId);
  });
  ws.addEventListener('close', () => {
    socket = null;
    setTimeout(connect, RECONNECT_MS);
  });
}

function stop(code: number): never {
  for (const processId of [...children.keys()]) remove(processId);
  process.exit(code);
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stop(0));
connect();
