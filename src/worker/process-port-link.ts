/**
 * How a remote runner or an agent reaches the Admin's process port: a WebSocket
 * (wss:// for an https:// address) and file requests with its bearer token,
 * trusting the certificates of `--ca` when it is given (the Admin's self-signed
 * RAFIKI_TLS_CERT, or the private CA that signed it), the system's roots (and
 * NODE_EXTRA_CA_CERTS) otherwise; and, when a link cannot be made, why.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export interface ProcessPort {
  /** The process port's address, http(s)://host:port. */
  url: string;
  /** The bearer token shown on every request. */
  token: string;
  /** PEM certificates to trust instead of the system's roots. */
  ca?: string;
}

/** The PEM of `--ca <file>`; throws, saying what was expected, for a file that cannot be read or holds no certificate. */
export function readCa(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`--ca ${file} cannot be read: ${(error as Error).message}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`--ca ${file} must be a PEM file of certificates ("-----BEGIN CERTIFICATE-----"): the Admin's RAFIKI_TLS_CERT, or the CA that signed it`);
  }
  return pem;
}

/**
 * The process port of a command line `--admin <url> --token <token> [--ca <PEM file>]`,
 * with the `--ca` file's path as given; a command line without them, or a `--ca`
 * that is no PEM file, ends the program with exit code 2 and its usage.
 */
export function processPortOfArgs({ program, usage }: { program: string; usage: string }): { port: ProcessPort; caFile?: string } {
  const { values } = parseArgs({ options: { admin: { type: 'string' }, token: { type: 'string' }, ca: { type: 'string' } } });
  if (!values.admin || !values.token) {
    console.error(usage);
    process.exit(2);
  }
  try {
    const ca = values.ca === undefined ? undefined : readCa(values.ca);
    const port: ProcessPort = { url: values.admin.replace(/\/+$/, ''), token: values.token, ...(ca ? { ca } : {}) };
    return { port, ...(values.ca === undefined ? {} : { caFile: values.ca }) };
  } catch (error) {
    console.error(`${program}: ${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}

export function connect(port: ProcessPort, path: string): WebSocket {
  const options: Bun.WebSocketOptions = { headers: { authorization: `Bearer ${port.token}` }, ...(port.ca ? { tls: { ca: port.ca } } : {}) };
  // The DOM's WebSocket type, which the dashboard's code needs, knows only the protocols argument.
  const socket = new WebSocket(`${port.url.replace(/^http/, 'ws')}${path}`, options as unknown as string[]);
  socket.binaryType = 'arraybuffer';
  return socket;
}

export function get(port: ProcessPort, path: string): Promise<Response> {
  return fetch(`${port.url}${path}`, { headers: { authorization: `Bearer ${port.token}` }, ...(port.ca ? { tls: { ca: port.ca } } : {}) });
}

/** A link that could not be made: why, and whether it is that this side does not trust the Admin's certificate (which trying again will not mend). */
export interface LinkFailure {
  message: string;
  untrusted: boolean;
}

/** What a WebSocket's `error` event says went wrong. */
export function linkFailure(event: Event, port: ProcessPort): LinkFailure {
  const error = event instanceof ErrorEvent ? event.error : undefined;
  const said = (event instanceof ErrorEvent ? event.message : '') || (error instanceof Error ? error.message : 'the connection failed');
  // A handshake refused for its certificate (self-signed, unknown issuer, expired, another host's name) says so; one refused for the protocol does not.
  const untrusted = /TLS handshake failed: .*certificate/i.test(said);
  if (!untrusted) return { message: said, untrusted };
  const remedy = port.ca
    ? 'the certificates of --ca do not vouch for it: give the CA that signed the Admin\'s RAFIKI_TLS_CERT (or that certificate itself, if self-signed)'
    : 'start with --ca <a PEM file>: the Admin\'s RAFIKI_TLS_CERT if it is self-signed, or the CA that signed it';
  return { message: `${said}. The Admin's certificate is not trusted here; ${remedy}`, untrusted };
}
