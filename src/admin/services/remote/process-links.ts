/**
 * The Admin's process port: the one address that processes on other hosts
 * reach (and, under Kubernetes, the only one their NetworkPolicy lets them).
 * - `GET /processes/connect` (WebSocket): a process shows its token
 *   (`Authorization: Bearer`), and is linked to the spawn that expects it;
 * - `GET /processes/files/<name>`: the files its spec names, to that process only;
 * - `GET /agents/connect` (WebSocket): an agent shows the agents' token
 *   (RAFIKI_AGENT_TOKEN) and is given command lines to start on its host.
 * A token that is forged, expired, for a process nobody expects or used twice is refused with 401.
 */
import type { Server, ServerWebSocket } from 'bun';
import { timingSafeEqual } from 'node:crypto';
import type { ProcessClaims } from '../../../common/auth/process-tokens.ts';
import { bearerToken } from '../../../common/auth/tokens.ts';
import { RafikiError } from '../../../common/errors.ts';
import { decodeFrame, encodeFrame, MAX_FRAME_BYTES } from '../../../common/ipc/socket-wire.ts';
import type { AdminToAgent, AdminToRunner, AgentToAdmin, RunnerToAdmin } from '../../../common/protocols/remote.ts';
import { sentFile } from './sent-files.ts';

/** One end of a link: messages of one protocol, both ways. */
export interface Link<Out, In> {
  send(message: Out): void;
  onMessage(listener: (message: In) => void): void;
  /** Calls back once the link is closed, from either side. */
  onClose(listener: () => void): void;
  close(): void;
}
/** A process's link, and the address its host connected from: where other machines reach it. */
export type ProcessLink = Link<AdminToRunner, RunnerToAdmin> & { readonly address: string };
export type AgentLink = Link<AdminToAgent, AgentToAdmin> & { readonly hostname: string };

interface Expected { claims: ProcessClaims | null; files: Record<string, string>; connected: (link: ProcessLink) => void }
type SocketData = { kind: 'process'; processId: string; address: string } | { kind: 'agent' };

export interface ProcessLinksOptions {
  host: string;
  port: number;
  /** The address processes are given to reach this port (RAFIKI_PROCESS_URL); by default http://publicHost:port, https:// with `tls`. */
  publicUrl?: string;
  /** The host name processes elsewhere know this one by (RAFIKI_PUBLIC_HOST); `host` by default. */
  publicHost?: string;
  verify: (token: string) => Promise<ProcessClaims>;
  /** The agents' shared token; without it, no agent is let in. */
  agentToken?: string;
  tls?: { cert: string; key: string };
}

class SocketLink<Out, In> implements Link<Out, In> {
  private readonly listeners: ((message: In) => void)[] = [];
  private readonly closers: (() => void)[] = [];
  private closed = false;

  constructor(private readonly socket: ServerWebSocket<SocketData>) {}

  send(message: Out): void {
    if (!this.closed) this.socket.send(encodeFrame(message));
  }
  onMessage(listener: (message: In) => void): void {
    this.listeners.push(listener);
  }
  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closers.push(listener);
  }
  close(): void {
    this.socket.close();
  }
  deliver(frame: string | Buffer): void {
    let message: In;
    try {
      message = decodeFrame<In>(frame);
    } catch {
      this.socket.close(1003, 'frames are structured-clone binary');
      return;
    }
    for (const listener of this.listeners) listener(message);
  }
  ended(): void {
    if (this.closed) return;
    this.closed = true;
    for (const closer of this.closers.splice(0)) closer();
  }
}

export class ProcessLinks {
  private server: Server<SocketData> | null = null;
  private readonly expected = new Map<string, Expected>();
  private readonly sockets = new Map<ServerWebSocket<SocketData>, SocketLink<unknown, unknown>>();
  private readonly agentListeners: ((agent: AgentLink) => void)[] = [];

  constructor(private readonly options: ProcessLinksOptions) {}

  get url(): string {
    if (!this.server) throw new Error('the process port is not open');
    return this.options.publicUrl ?? `${this.options.tls ? 'https' : 'http'}://${this.options.publicHost ?? this.options.host}:${this.server.port}`;
  }

  /** Resolves with the process's link once it connects with a token for `processId`. */
  expect(processId: string, files: Record<string, string>): Promise<ProcessLink> {
    return new Promise((resolve) => this.expected.set(processId, { claims: null, files, connected: resolve }));
  }

  forget(processId: string): void {
    this.expected.delete(processId);
  }

  onAgent(listener: (agent: AgentLink) => void): void {
    this.agentListeners.push(listener);
  }

  start(): void {
    this.server = Bun.serve<SocketData>({
      hostname: this.options.host,
      port: this.options.port,
      ...(this.options.tls ? { tls: this.options.tls } : {}),
      fetch: (request, server) => this.route(request, server).catch((error: unknown) => {
        const status = error instanceof RafikiError ? error.status : 500;
        return Response.json(error instanceof RafikiError ? error.toBody() : { error: { code: 'INTERNAL', message: 'internal error' } }, { status });
      }),
      websocket: {
        maxPayloadLength: MAX_FRAME_BYTES,
        open: (socket) => this.opened(socket),
        message: (socket, frame) => this.sockets.get(socket)?.deliver(frame),
        close: (socket) => {
          this.sockets.get(socket)?.ended();
          this.sockets.delete(socket);
        },
      },
    });
  }

  async stop(): Promise<void> {
    await this.server?.stop(true);
    this.server = null;
  }

  private async route(request: Request, server: Server<SocketData>): Promise<Response | undefined> {
    const path = new URL(request.url).pathname;
    const authorization = request.headers.get('authorization') ?? undefined;
    if (path === '/agents/connect') {
      if (!this.agentAllowed(bearerToken(authorization))) throw new RafikiError('UNAUTHORIZED', 'invalid agent token');
      return server.upgrade(request, { data: { kind: 'agent' } }) ? undefined : new Response('a WebSocket upgrade is expected', { status: 400 });
    }
    const claims = await this.options.verify(bearerToken(authorization));
    const expected = this.expected.get(claims.processId);
    if (!expected) throw new RafikiError('UNAUTHORIZED', 'no process is expected with this token');
    if (path === '/processes/connect') {
      if (expected.claims) throw new RafikiError('UNAUTHORIZED', 'this process token was used already');
      expected.claims = claims;
      const address = (server.requestIP(request)?.address ?? '').replace(/^::ffff:/, '');
      return server.upgrade(request, { data: { kind: 'process', processId: claims.processId, address } }) ? undefined : new Response('a WebSocket upgrade is expected', { status: 400 });
    }
    const file = /^\/processes\/files\/([\w-]+)$/.exec(path)?.[1];
    const local = file === undefined ? undefined : expected.files[file];
    if (local === undefined) throw new RafikiError('NOT_FOUND', `no file ${JSON.stringify(path)} for this process`);
    return sentFile(local);
  }

  private opened(socket: ServerWebSocket<SocketData>): void {
    const data = socket.data;
    if (data.kind === 'agent') {
      const link = new SocketLink<AdminToAgent, AgentToAdmin>(socket);
      this.sockets.set(socket, link as SocketLink<unknown, unknown>);
      // An agent's first word is its hello; only then is it given work.
      let greeted = false;
      link.onMessage((message) => {
        if (greeted || message.type !== 'hello') return;
        greeted = true;
        const agent = Object.assign(link, { hostname: String(message.hostname).slice(0, 255) }) as AgentLink;
        for (const listener of this.agentListeners) listener(agent);
      });
      return;
    }
    const link = Object.assign(new SocketLink<AdminToRunner, RunnerToAdmin>(socket), { address: data.address });
    this.sockets.set(socket, link as SocketLink<unknown, unknown>);
    const expected = this.expected.get(data.processId);
    if (!expected) {
      socket.close(1008, 'not expected');
      return;
    }
    expected.connected(link);
  }

  private agentAllowed(token: string): boolean {
    const wanted = this.options.agentToken;
    if (!wanted) return false;
    const a = Buffer.from(token);
    const b = Buffer.from(wanted);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
