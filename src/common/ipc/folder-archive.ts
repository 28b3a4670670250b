/**
 * A folder as one tar stream, and back: how a folder among a process's files
 * (a template's installed `node_modules`) crosses from the Admin to a runner on
 * another host (docs/processes.md). Packing reads each file as the stream is
 * read; unpacking writes each entry as it arrives: neither side holds the
 * folder in memory.
 *
 * Unpacking trusts nothing it is sent. The whole archive is refused for an
 * entry that would land outside its folder (an absolute name, a `..`, a write
 * through a link it made), a link that is absolute or resolves outside the
 * folder or to nothing, a hard link, a device, a pipe, or a name given twice.
 *
 * @example
 * await Bun.write(path, new Response(packFolder(nodeModules, { leaveOut: ['rafiki'] })));
 * await unpackFolder((await fetch(url)).body!, emptyFolder);
 */
import { createReadStream, type Stats } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, readlink, realpath, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { extract, pack, type Header, type Pack } from 'tar-stream';

/** An entry of a folder: its name inside the folder (`/`-separated), its path here and what `lstat` said of it. */
export interface FolderEntry { name: string; path: string; stat: Stats }

/**
 * Every entry under `root`, parents before their children, in name order;
 * links are entries, never followed. `leaveOut` names top-level entries to skip.
 */
export async function* walkFolder(root: string, leaveOut: readonly string[] = []): AsyncGenerator<FolderEntry> {
  async function* under(folder: string, prefix: string): AsyncGenerator<FolderEntry> {
    const names = (await readdir(folder)).sort();
    for (const name of names) {
      if (prefix === '' && leaveOut.includes(name)) continue;
      const path = join(folder, name);
      const stat = await lstat(path);
      yield { name: `${prefix}${name}`, path, stat };
      if (stat.isDirectory()) yield* under(path, `${prefix}${name}/`);
    }
  }
  yield* under(root, '');
}

/** The folder at `root` as a tar stream: folders, files (executable or not) and links as they are; sockets, pipes and devices are left out. */
export function packFolder(root: string, options: { leaveOut?: readonly string[] } = {}): ReadableStream<Uint8Array> {
  const archive = pack();
  const packing = (async () => {
    for await (const { name, path, stat } of walkFolder(root, options.leaveOut)) {
      const mtime = stat.mtime;
      if (stat.isDirectory()) await add(archive, { name, type: 'directory', mode: 0o755, mtime });
      else if (stat.isSymbolicLink()) await add(archive, { name, type: 'symlink', linkname: await readlink(path), mtime });
      else if (stat.isFile()) await addFile(archive, { name, type: 'file', size: stat.size, mode: stat.mode & 0o111 ? 0o755 : 0o644, mtime }, path);
    }
    archive.finalize();
  })();
  packing.catch((error: unknown) => archive.destroy(error as Error));
  const chunks = archive[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel() {
      archive.destroy();
    },
  });
}

/** Settles once a stream takes writes again, or is closed. */
function drained(stream: { once(event: 'drain' | 'close', listener: () => void): unknown; off(event: 'drain' | 'close', listener: () => void): unknown }): Promise<void> {
  return new Promise((go) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      go();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}

function add(archive: Pack, header: Partial<Header> & { name: string }): Promise<void> {
  return new Promise((done, fail) => {
    archive.entry(header, (error) => (error ? fail(error) : done()));
  });
}

async function addFile(archive: Pack, header: Partial<Header> & { name: string }, path: string): Promise<void> {
  let sink!: ReturnType<Pack['entry']>;
  const added = new Promise<void>((done, fail) => {
    sink = archive.entry(header, (error) => (error ? fail(error) : done()));
  });
  // Awaited below; it may fail while the file is still being read.
  added.catch(() => {});
  for await (const chunk of createReadStream(path)) {
    // Destroyed: the reader went away, and `added` says so.
    if (sink.destroying) break;
    if (!sink.write(chunk as Buffer)) await drained(sink);
  }
  sink.end(null);
  await added;
}

/** Why an archive was refused: the entry, and what is wrong with it. */
export class RefusedArchive extends Error {
  override readonly name = 'RefusedArchive';
}

/**
 * Writes the archive read from `source` into `into`, an empty folder that
 * exists; refuses it (RefusedArchive) as the file's comment says, having
 * written nothing outside `into`. On refusal `into` holds a part of the
 * archive, which the caller removes.
 */
export async function unpackFolder(source: ReadableStream<Uint8Array>, into: string): Promise<void> {
  const reader = extract();
  const ends = new EndMarker();
  // Why the source failed, if it did: the entry being written then fails only for that.
  let cut: Error | null = null;
  // The network side feeds the parser, at the pace the entries are written.
  const feeding = (async () => {
    const chunks = source.getReader();
    for (;;) {
      const { value: chunk, done } = await chunks.read();
      if (done) break;
      // Refused: the rest is not wanted.
      if (reader.destroying) return chunks.cancel();
      ends.saw(chunk);
      if (!reader.write(chunk)) await drained(reader);
    }
    if (!ends.complete()) throw new Error('the archive ended before its end marker');
    reader.end(null);
  })();
  feeding.catch((error: unknown) => {
    cut = error as Error;
    reader.destroy(cut);
  });
  const placing = new Placing(resolve(into));
  try {
    for await (const entry of reader) await placing.place(entry.header, entry as AsyncIterable<Uint8Array>);
  } catch (error) {
    throw cut ?? error;
  }
  await placing.checkLinks();
}

/** A tar archive ends with two blocks of zeros: without them, what arrived was cut short. */
class EndMarker {
  private tail = new Uint8Array(0);

  saw(chunk: Uint8Array): void {
    if (chunk.length >= 1024) {
      this.tail = chunk.slice(-1024);
      return;
    }
    const joined = new Uint8Array(this.tail.length + chunk.length);
    joined.set(this.tail);
    joined.set(chunk, this.tail.length);
    this.tail = joined.slice(-1024);
  }

  complete(): boolean {
    return this.tail.length === 1024 && this.tail.every((byte) => byte === 0);
  }
}

type Made = 'directory' | 'file' | 'symlink';

/** What one unpacking has made in its folder: all that is there, since the folder was empty. */
class Placing {
  private readonly made = new Map<string, Made>([['', 'directory']]);
  private readonly links: string[] = [];

  constructor(private readonly root: string) {}

  async place(header: Header, body: AsyncIterable<Uint8Array>): Promise<void> {
    const name = entryName(header.name);
    // The folder itself, as `tar -C folder -c .` writes it.
    if (name === '' && header.type === 'directory') return;
    if (name === '') throw refused(header.name, 'has no name');
    const had = this.made.get(name);
    if (had !== undefined && !(had === 'directory' && header.type === 'directory')) throw refused(name, 'is given twice');
    if (header.type !== 'file' && header.type !== 'contiguous-file' && header.size > 0) throw refused(name, `is a ${header.type} with a body`);
    await this.parents(name);
    const path = join(this.root, ...name.split('/'));
    switch (header.type) {
      case 'directory':
        if (had === undefined) await makeFolder(path);
        this.made.set(name, 'directory');
        return;
      case 'file':
      case 'contiguous-file':
        await writeNew(path, body, header.mode & 0o111 ? 0o755 : 0o644);
        this.made.set(name, 'file');
        return;
      case 'symlink': {
        const target = header.linkname;
        if (!target || target.includes('\0')) throw refused(name, 'is a link to nothing');
        if (target.startsWith('/')) throw refused(name, `is a link to an absolute path (${target})`);
        if (!inside(this.root, resolve(dirname(path), target))) throw refused(name, `is a link out of its folder (${target})`);
        await symlink(target, path);
        this.made.set(name, 'symlink');
        this.links.push(name);
        return;
      }
      default:
        throw refused(name, `is a ${header.type}: a folder sent to a runner holds folders, files and links within it`);
    }
  }

  /** Every link, followed through the links beside it, ends inside the folder at something that exists. */
  async checkLinks(): Promise<void> {
    const root = await realpath(this.root);
    for (const name of this.links) {
      let target: string;
      try {
        target = await realpath(join(this.root, ...name.split('/')));
      } catch {
        throw refused(name, 'is a link to nothing in its folder');
      }
      if (!inside(root, target)) throw refused(name, `is a link out of its folder (to ${target})`);
    }
  }

  /** Makes the folders an entry is in; each must be one this unpacking made, never a link or a file. */
  private async parents(name: string): Promise<void> {
    const parts = name.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      const made = this.made.get(parent);
      if (made === undefined) {
        await makeFolder(join(this.root, ...parts.slice(0, i)));
        this.made.set(parent, 'directory');
      } else if (made !== 'directory') {
        throw refused(name, `would be written through ${parent}, a ${made}`);
      }
    }
  }
}

/** An entry's name as a relative `/`-separated path with no `.` or `..` in it (`''`: the folder itself); refused otherwise. */
export function entryName(raw: string): string {
  if (raw.includes('\0')) throw refused(raw, 'has a NUL in its name');
  if (raw.startsWith('/')) throw refused(raw, 'has an absolute name');
  const parts = raw.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw refused(raw, 'has .. in its name');
  return parts.join('/');
}

function inside(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest !== '..' && !rest.startsWith(`..${sep}`) && !isAbsolute(rest);
}

function refused(name: string, why: string): RefusedArchive {
  return new RefusedArchive(`refused the archive: its entry ${JSON.stringify(name)} ${why}`);
}

async function makeFolder(path: string): Promise<void> {
  await mkdir(path);
  await chmod(path, 0o755);
}

/** Writes a file that must not exist yet (never through a link), as the body arrives. */
async function writeNew(path: string, body: AsyncIterable<Uint8Array>, mode: number): Promise<void> {
  const file = await open(path, 'wx', mode);
  try {
    // The mode asked for, whatever this process's umask.
    await file.chmod(mode);
    for await (const chunk of body) await file.write(chunk);
  } finally {
    await file.close();
  }
}
