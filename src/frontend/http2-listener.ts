import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import http2, { type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import net, { type AddressInfo, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { RafikiError } from '../common/errors.ts';
import { errorResponse, type Handler, type HttpResponse, type RequestHead } from './http.ts';

export interface ListenOptions {
  host: string;
  port: number;
  tls?: { certPath: string; keyPath: string };
  maxBodyBytes: number;
  handler: Handler;
}

export interface Listener {
  port: number;
  /** Stops accepting connections and closes the open ones. */
  close(): Promise<void>;
}

/**
 * What one HTTP/2 connection may hold in memory, in MB. Past it, new streams are refused with
 * ENHANCE_YOUR_CALM, and the default (10 MB) is less than three bodies at the 4 MiB limit: the
 * bad-input corpus, which sends bodies at the limit among many small requests on one connection,
 * saw a run of its requests refused once. Room for sixteen bodies at the limit, and the default's besides.
 */
export function sessionMemoryMb(maxBodyBytes: number): number {
  return 10 + Math.ceil((16 * maxBodyBytes) / (1024 * 1024));
}

/** An HTTP/2 connection starts with this preface (RFC 9113 §3.4); anything else is HTTP/1.x. */
const PREFACE_START = Buffer.from('PRI * HTTP/2.0');

/**
 * One port speaking HTTP/2 and HTTP/1.1. An outer server takes each
 * connection and hands it to the HTTP/2 server or to the HTTP/1.1 one: over
 * TLS by the protocol ALPN agreed on, in cleartext by whether the first bytes
 * are HTTP/2's preface (prior knowledge), since Node's and Bun's
 * `http2.createServer` speak only h2c. Both hand requests to one handler.
 *
 * HTTP/2 requests are served from the server's `stream` event rather than the
 * compatibility request/response objects, which cost about a quarter of the
 * CPU of a small request (scripts/bench/serving.ts).
 *
 * @example
 * const listener = await listen({ host: '127.0.0.1', port: 0, maxBodyBytes: 4 << 20, handler });
 * await listener.close();
 */
export async function listen(options: ListenOptions): Promise<Listener> {
  const h2 = http2.createServer({ maxSessionMemory: sessionMemoryMb(options.maxBodyBytes) });
  h2.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void serveStream(stream, headers, options));
  const h1 = http.createServer((req, res) => void serveHttp1(req, res, options));
  // A request that does not parse as HTTP/1.1 gets the one error shape too, not Node's bare 400.
  h1.on('clientError', (err: Error, socket: Duplex) => {
    if (!socket.writable) return void socket.destroy();
    const { body } = errorResponse(400, `malformed HTTP/1.1 request: ${err.message}`);
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  let server: net.Server;
  if (options.tls) {
    const [cert, key] = await Promise.all([readFile(options.tls.certPath), readFile(options.tls.keyPath)]);
    server = tls.createServer({ cert, key, ALPNProtocols: ['h2', 'http/1.1'] }, (socket) => {
      (socket.alpnProtocol === 'h2' ? h2 : h1).emit('connection', socket);
    });
  } else {
    server = net.createServer((socket) => {
      socket.once('data', (first: Buffer) => {
        socket.pause();
        socket.unshift(first);
        const isH2 = first.subarray(0, PREFACE_START.length).equals(PREFACE_START.subarray(0, Math.min(first.length, PREFACE_START.length)));
        (isH2 ? h2 : h1).emit('connection', socket);
        socket.resume();
      });
    });
  }
  // Every TCP connection, TLS ones from before their handshake, so that closing ends them all.
  server.on('connection', track);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

async function serveStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, options: ListenOptions): Promise<void> {
  const response = await answer(stream, headers, headers[':method'] ?? 'GET', headers[':path'] ?? '/', options);
  if (stream.destroyed || stream.closed) return;
  try {
    // No content-length: the stream's end marks the body's end in HTTP/2, and the header costs its encoding on every answer.
    stream.respond({ ':status': response.status, 'content-type': response.contentType ?? 'application/json' });
    stream.end(response.body);
  } catch {
    // The client reset the stream between the check and the answer: nobody is listening.
  }
}

async function serveHttp1(req: IncomingMessage, res: ServerResponse, options: ListenOptions): Promise<void> {
  const response = await answer(req, req.headers, req.method ?? 'GET', req.url ?? '/', options);
  if (res.writableEnded || res.destroyed) return;
  const body = Buffer.from(response.body);
  res.writeHead(response.status, { 'content-type': response.contentType ?? 'application/json', 'content-length': body.byteLength });
  res.end(body);
}

/**
 * Runs the handler, which reads the body (within the limit) when it needs it; never throws.
 * A body it did not read is let flow away unkept: a client still sending it would
 * otherwise wait on flow control for a reader that never comes.
 */
async function answer(body: NodeJS.ReadableStream, headers: IncomingHttpHeaders, method: string, url: string, options: ListenOptions): Promise<HttpResponse> {
  let read = false;
  try {
    const authorization = headers.authorization;
    const head: RequestHead = { method, path: url.split('?')[0]!, ...(authorization ? { authorization } : {}) };
    return await options.handler(head, async () => {
      read = true;
      const bytes = await readBody(body, headers, options.maxBodyBytes);
      if (bytes === null) throw new RafikiError('PAYLOAD_TOO_LARGE', `the request body is larger than the limit of ${options.maxBodyBytes} bytes`);
      return bytes;
    });
  } catch (err) {
    return errorResponse(500, err instanceof Error ? err.message : String(err));
  } finally {
    if (!read) body.resume();
  }
}

/** The body, or null when it exceeds the limit (declared or read). */
function readBody(body: NodeJS.ReadableStream, headers: IncomingHttpHeaders, limit: number): Promise<Buffer | null> {
  if (Number(headers['content-length']) > limit) {
    body.resume();
    return Promise.resolve(null);
  }
  // An HTTP/2 stream whose headers ended it has already said 'end' (under Bun, before anyone listened).
  if ((body as Readable).readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    body.on('end', () => resolve(size > limit ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    body.on('error', reject);
  });
}
