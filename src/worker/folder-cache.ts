/**
 * The folders runners on this host were sent (templates' installed
 * `node_modules`), kept by the key the Admin names each by, so that a host
 * running many processes of one template fetches its packages once. Each is
 * unpacked into a staging folder inside the cache and renamed into place
 * whole: a folder in the cache is complete, and of two runners that fetch the
 * same one at once, each unpacks its own and the first rename wins.
 *
 * A folder sent with the Admin's link to Rafiki gets this host's link instead
 * (`node_modules/rafiki`, ../model/sdk-link.ts), so the cache keeps a copy per
 * Rafiki install that uses it. Nothing is evicted: the cache is under the
 * temporary folder (`$TMPDIR/rafiki-folders`), which the host clears, and a
 * long-running frontend may start workers from its folder at any time.
 */
import { lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { unpackFolder } from '../common/ipc/folder-archive.ts';
import type { RemoteFolder } from '../common/protocols/remote.ts';
import { linkSdk, SDK_ROOT } from '../model/sdk-link.ts';

const STAGING = '.staging-';
/** A staging folder older than this was left by a runner that died while unpacking. */
const STALE_STAGING_MS = 24 * 60 * 60 * 1000;

export class FolderCache {
  /** Makes the cache folder, this user's alone: what is in it runs as the processes' code. */
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const found = lstatSync(root);
    if (!found.isDirectory() || found.uid !== process.getuid?.() || (found.mode & 0o077) !== 0) {
      throw new Error(`the folder cache ${root} must be a folder of this user's that no one else can read or write`);
    }
    for (const name of readdirSync(root)) {
      if (name.startsWith(STAGING) && Date.now() - lstatSync(join(root, name)).mtimeMs > STALE_STAGING_MS) rmSync(join(root, name), { recursive: true, force: true });
    }
  }

  /** The folder `sent` describes, fetched with `download` (a tar stream) the first time on this host. */
  async folder(sent: RemoteFolder, download: () => Promise<ReadableStream<Uint8Array>>): Promise<string> {
    const name = new Bun.CryptoHasher('sha256').update(`${sent.key}\0${sent.rafiki ? SDK_ROOT : ''}`).digest('hex').slice(0, 32);
    const path = join(this.root, name);
    if (await stat(path).then(() => true, () => false)) return path;
    const staging = await mkdtemp(join(this.root, STAGING));
    try {
      await unpackFolder(await download(), staging);
      if (sent.rafiki) linkSdk(staging);
      await rename(staging, path).catch(async (error: NodeJS.ErrnoException) => {
        // Another runner put the same folder in place first.
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
        await rm(staging, { recursive: true, force: true });
      });
      return path;
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }
}
