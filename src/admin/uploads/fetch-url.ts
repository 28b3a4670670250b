/**
 * Fetches a `dataset_url` as a stream, with a time limit, for the blob store to
 * stage. The Admin can reach what users cannot (its predictors, Postgres, the
 * cloud's metadata service), so a URL whose host resolves to a loopback,
 * private, link-local or otherwise non-public address is refused, at the first
 * request and at every redirect, unless an admin allowed that address
 * (RAFIKI_DATASET_URL_ALLOW). Nothing of an answer's body is ever put in a message.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { badRequest } from '../../common/errors.ts';
import { countRead } from './garbage-pacing.ts';

const MAX_REDIRECTS = 5;

/** Addresses that are not the public internet (IANA special-purpose registries). */
const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['::ffff:0:0', 96], ['64:ff9b::', 96], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) NOT_PUBLIC.addSubnet(net, bits, 'ipv6');

/** Addresses an admin allowed: `127.0.0.1`, `10.1.0.0/16`, `fd00::/8`, comma-separated. */
export function allowList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, bits] = entry.split('/');
    const family = isIP(address ?? '') === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address!, family);
    else list.addSubnet(address!, Number(bits), family);
  }
  return list;
}

async function checkHost(url: URL, allowed: BlockList): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('dataset_url must be an http:// or https:// URL');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  } catch {
    throw badRequest(`cannot download dataset_url: the host ${host} is not found`);
  }
  for (const { address, family } of addresses) {
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (NOT_PUBLIC.check(address, type) && !allowed.check(address, type)) {
      throw badRequest(`dataset_url ${url.host} is at ${address}, which is not a public address: refused (an admin may allow it with RAFIKI_DATASET_URL_ALLOW)`);
    }
  }
}

export async function fetchStream(url: string, options: { timeoutMs: number; allowed: BlockList }): Promise<AsyncIterable<Uint8Array>> {
  const { timeoutMs, allowed } = options;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw badRequest(`dataset_url is not a URL: ${JSON.stringify(url)}`);
  }
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response | undefined;
  for (let hop = 0; !response; hop++) {
    await checkHost(target, allowed);
    let answer: Response;
    try {
      answer = await fetch(target, { signal, redirect: 'manual' });
    } catch (error) {
      const reason = signal.aborted ? `no answer within ${timeoutMs / 1000} s` : (error as Error).message;
      throw badRequest(`cannot download dataset_url ${url}: ${reason}`);
    }
    const location = answer.status >= 300 && answer.status < 400 ? answer.headers.get('location') : null;
    if (location === null) response = answer;
    else {
      await answer.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw badRequest(`cannot download dataset_url ${url}: more than ${MAX_REDIRECTS} redirects`);
      target = new URL(location, target);
    }
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw badRequest(`cannot download dataset_url ${url}: the server answered ${response.status} ${response.statusText}`);
  }
  const body = response.body;
  return (async function* () {
    const reader = body.getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        countRead(r.value.byteLength);
        yield r.value;
      }
    } catch (error) {
      throw badRequest(`downloading dataset_url ${url} failed: ${signal.aborted ? `not done within ${timeoutMs / 1000} s` : (error as Error).message}`);
    } finally {
      // A download stopped early (the file is over the limit) is cancelled, not left holding its connection.
      await reader.cancel().catch(() => {});
    }
  })();
}
