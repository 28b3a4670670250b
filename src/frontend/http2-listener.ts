import { readFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import http2, { type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import net, { type AddressInfo, type Socket } from 'node:net';
import { errorResponse, type Handler, type HttpResponse } from './http.ts';

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

/** An HTTP/2 connection starts with this preface (RFC 9113 §3.4); anything else is HTTP/1.x. */
const PREFACE_START = Buffer.from('PRI * HTTP/2.0');

/**
 * One port speaking HTTP/2 and HTTP/1.1. Over TLS, ALPN picks the protocol
 * (`createSecureServer({ allowHTTP1 })`). In cleartext, Node's and Bun's
 * `http2.createServer` speak only h2c, so a plain TCP server reads the first
 * bytes of each connection and hands the socket to the HTTP/2 server (prior
 * knowledge) or to the HTTP/1.1 one. Both hand requests to one handler.
 *
 * @example
 * const listener = await listen({ host: '127.0.0.1', port: 0, maxBodyBytes: 4 << 20, handler });
 * await listener.close();
 */
export async function listen(options: ListenOptions): Promise<Listener> {
  const onRequest = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) =>
    void serve(req, res, options);
  const sockets = new Set<Socket>();
  let server: net.Server;
  const h2 = options.tls
    ? http2.createSecureServer({ allowHTTP1: true, cert: await readFile(options.tls.certPath), key: await readFile(options.tls.keyPath) }, onRequest)
    : http2.createServer({}, onRequest);
  if (options.tls) {
    server = h2;
  } else {
    const h1 = http.createServer(onRequest);
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
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
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

async function serve(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse, options: ListenOptions): Promise<void> {
  let response: HttpResponse;
  try {
    const body = await readBody(req, options.maxBodyBytes);
    response = body === null
      ? errorResponse(413, `the request body is larger than the limit of ${options.maxBodyBytes} bytes`)
      : await options.handler({ method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]!, body });
  } catch (err) {
    response = errorResponse(500, err instanceof Error ? err.message : String(err));
  }
  if (res.writableEnded || res.destroyed) return;
  const body = Buffer.from(response.body);
  // The two response classes share these methods but not a callable union type.
  const out = res as ServerResponse;
  out.writeHead(response.status, { 'content-type': response.contentType ?? 'application/json', 'content-length': body.byteLength });
  out.end(body);
}

/** The body, or null when it exceeds the limit (declared or read). */
function readBody(req: IncomingMessage | Http2ServerRequest, limit: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
