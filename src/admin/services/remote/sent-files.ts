/**
 * A process's files as the process port sends them to a runner on another
 * host: a file as it is; a folder (a template's installed `node_modules`) as
 * one tar stream, read from disk as it is sent. A folder's top-level `rafiki`
 * link points at this Admin's Rafiki, which the runner's host does not have:
 * it is left out, and the runner makes its own (docs/processes.md).
 *
 * The spec names each folder by a key, a fingerprint of its tree (names, kinds,
 * sizes, modification times, modes, link targets), so that a runner's host
 * keeps one copy per key: an installed dependency set does not change, and a
 * reinstalled one has other times, so another key.
 */
import { statSync } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { packFolder, walkFolder } from '../../../common/ipc/folder-archive.ts';
import type { RemoteFolder } from '../../../common/protocols/remote.ts';

/** What the runner makes itself rather than being sent. */
const LEFT_OUT = ['rafiki'];

/** The answer to a runner's fetch of the file or folder at `path`. */
export function sentFile(path: string): Response {
  const stat = statSync(path);
  if (stat.isDirectory()) return new Response(packFolder(path, { leaveOut: LEFT_OUT }), { headers: { 'content-type': 'application/x-tar' } });
  return new Response(Bun.file(path), { headers: { 'content-length': String(stat.size) } });
}

/** How a runner is told of the folder at `path`: the key it caches it by, and whether it links Rafiki. */
export async function describeFolder(path: string): Promise<RemoteFolder> {
  const hash = new Bun.CryptoHasher('sha256');
  for await (const { name, path: entry, stat } of walkFolder(path, LEFT_OUT)) {
    const kind = stat.isDirectory() ? 'd' : stat.isSymbolicLink() ? `l ${await readlink(entry)}` : stat.isFile() ? `f ${stat.mode & 0o111 ? 'x' : '-'}` : 'other';
    hash.update(`${name}\0${kind}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  const rafiki = await lstat(join(path, 'rafiki')).then((stat) => stat.isSymbolicLink(), () => false);
  return { key: hash.digest('hex'), rafiki };
}
