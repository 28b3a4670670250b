import { afterEach, expect, test } from 'bun:test';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack, type Header } from 'tar-stream';
import { entryName, packFolder, RefusedArchive, unpackFolder, walkFolder } from './folder-archive.ts';

const made: string[] = [];
afterEach(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'rafiki-archive-test-'));
  made.push(path);
  return path;
}

/** A tar archive of exactly these entries, as a sender could write it. */
async function archiveOf(entries: (Partial<Header> & { name: string; body?: string })[], options: { end?: boolean } = {}): Promise<Uint8Array> {
  const archive = pack();
  for (const { body, ...header } of entries) archive.entry(header, body ?? '');
  archive.finalize();
  const chunks: Uint8Array[] = [];
  for await (const chunk of archive) chunks.push(chunk as Uint8Array);
  const bytes = new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer());
  return options.end === false ? bytes.slice(0, -1024) : bytes;
}

/** Every entry under `root` as `name: what`: links by their target, files by whether they are executable and their start. */
async function tree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const { name, path, stat } of walkFolder(root)) {
    out[name] = stat.isSymbolicLink() ? `-> ${readlinkSync(path)}` : stat.isDirectory() ? 'dir' : `${stat.mode & 0o100 ? 'x' : '-'} ${readFileSync(path, 'utf8').slice(0, 40)}`;
  }
  return out;
}

test('a folder crosses whole: nested files, modes, long and non-ASCII names, links within it; left-out entries stay behind', async () => {
  const from = folder();
  const long = `${'deep/'.repeat(30)}${'n'.repeat(120)}.js`;
  mkdirSync(join(from, 'pkg/bin'), { recursive: true });
  mkdirSync(join(from, '.bin'));
  mkdirSync(join(from, 'empty'));
  writeFileSync(join(from, 'pkg/index.js'), 'module.exports = 1;\n');
  writeFileSync(join(from, 'pkg/bin/cli.js'), '#!/usr/bin/env node\n');
  chmodSync(join(from, 'pkg/bin/cli.js'), 0o755);
  mkdirSync(join(from, long, '..'), { recursive: true });
  writeFileSync(join(from, long), 'long');
  writeFileSync(join(from, 'pkg/naïve-日本.js'), 'unicode');
  writeFileSync(join(from, 'pkg/big.bin'), Buffer.alloc(3 * 1024 * 1024 + 7, 1));
  symlinkSync('../pkg/bin/cli.js', join(from, '.bin/cli'));
  symlinkSync('pkg', join(from, 'alias'));
  symlinkSync('/usr/lib', join(from, 'rafiki'));

  const to = folder();
  await unpackFolder(packFolder(from, { leaveOut: ['rafiki'] }), to);

  const sent = await tree(from);
  delete sent.rafiki;
  expect(await tree(to)).toEqual(sent);
  expect(existsSync(join(to, 'rafiki'))).toBe(false);
  // Modes are the sender's executable bit alone, whatever the umask here.
  const umask = process.umask(0o077);
  try {
    const strict = folder();
    await unpackFolder(packFolder(from, { leaveOut: ['rafiki'] }), strict);
    expect([statSync(join(strict, 'pkg/bin/cli.js')).mode & 0o777, statSync(join(strict, 'pkg/index.js')).mode & 0o777, statSync(join(strict, 'pkg')).mode & 0o777]).toEqual([0o755, 0o644, 0o755]);
  } finally {
    process.umask(umask);
  }
  expect(readFileSync(join(to, '.bin/cli'), 'utf8')).toBe('#!/usr/bin/env node\n');
  expect(statSync(join(to, 'pkg/big.bin')).size).toBe(3 * 1024 * 1024 + 7);
});

test('an archive made by the tar command unpacks too', async () => {
  const from = folder();
  mkdirSync(join(from, 'a'));
  writeFileSync(join(from, 'a/file.txt'), 'text');
  symlinkSync('a/file.txt', join(from, 'link'));
  const tar = Bun.spawn(['tar', '-C', from, '-cf', '-', '.'], { stdout: 'pipe' });
  const to = folder();
  await unpackFolder(tar.stdout, to);
  expect(await tree(to)).toEqual({ a: 'dir', 'a/file.txt': '- text', link: '-> a/file.txt' });
});

test('names are plain relative paths: absolute ones, .. and NUL are refused', () => {
  expect(entryName('./a//b/')).toBe('a/b');
  expect(entryName('./')).toBe('');
  for (const name of ['/etc/passwd', '../x', 'a/../../x', 'a/..', 'a\0b']) expect(() => entryName(name)).toThrow(RefusedArchive);
});

test('an archive with an entry that would escape its folder, or that a folder of packages never holds, is refused, and nothing lands outside', async () => {
  const cases: [string, (Partial<Header> & { name: string; body?: string })[], string][] = [
    ['absolute name', [{ name: '/tmp/escaped', body: 'x' }], 'has an absolute name'],
    ['.. name', [{ name: '../escaped', body: 'x' }], 'has .. in its name'],
    ['.. inside a name', [{ name: 'a/../../escaped', body: 'x' }], 'has .. in its name'],
    ['absolute link', [{ name: 'l', type: 'symlink', linkname: '/etc' }], 'is a link to an absolute path'],
    ['link out by ..', [{ name: 'a/l', type: 'symlink', linkname: '../../escaped' }], 'is a link out of its folder'],
    // Each link alone stays inside; followed, `s/..` leaves through `s`, which is the folder itself.
    ['link out through a link', [{ name: 's', type: 'symlink', linkname: '.' }, { name: 't', type: 'symlink', linkname: 's/..' }], 'is a link out of its folder'],
    ['write through a link', [{ name: 'sub', type: 'directory' }, { name: 'l', type: 'symlink', linkname: 'sub' }, { name: 'l/file', body: 'x' }], 'would be written through l, a symlink'],
    ['link to nothing', [{ name: 'l', type: 'symlink', linkname: 'missing' }], 'is a link to nothing in its folder'],
    ['hard link', [{ name: 'f', body: 'x' }, { name: 'h', type: 'link', linkname: 'f' }], 'is a link:'],
    ['device', [{ name: 'null', type: 'character-device', devmajor: 1, devminor: 3 }], 'is a character-device'],
    ['pipe', [{ name: 'fifo', type: 'fifo' }], 'is a fifo'],
    ['a file for the folder itself', [{ name: './', body: 'x' }], 'has no name'],
    ['name given twice', [{ name: 'f', body: 'one' }, { name: 'f', body: 'two' }], 'is given twice'],
    ['file then folder', [{ name: 'f', body: 'one' }, { name: 'f/g', body: 'two' }], 'would be written through f, a file'],
  ];
  for (const [what, entries, message] of cases) {
    const base = folder();
    const into = join(base, 'into');
    mkdirSync(into);
    const error = await unpackFolder(await archiveOf(entries).then((bytes) => new Blob([bytes as BlobPart]).stream()), into).then(() => null, (e: unknown) => e as Error);
    expect({ what, error: error?.message }).toEqual({ what, error: expect.stringContaining(message) });
    expect({ what, error }).toEqual({ what, error: expect.any(RefusedArchive) });
    expect({ what, beside: readdirSync(base) }).toEqual({ what, beside: ['into'] });
    expect(existsSync('/tmp/escaped')).toBe(false);
  }
});

test('an archive cut short is refused, even where the cut falls between entries', async () => {
  const whole = await archiveOf([{ name: 'a', body: 'x'.repeat(2000) }, { name: 'b', body: 'y' }]);
  for (const bytes of [whole.slice(0, 700), await archiveOf([{ name: 'a', body: 'x' }], { end: false })]) {
    const into = folder();
    await expect(unpackFolder(new Blob([bytes as BlobPart]).stream(), into)).rejects.toThrow(/end/i);
  }
  const into = folder();
  await unpackFolder(new Blob([whole as BlobPart]).stream(), into);
  expect(lstatSync(join(into, 'a')).size).toBe(2000);
});

test('a reader that goes away in the middle of a folder stops the packing, which closes the file it was reading', async () => {
  const from = folder();
  writeFileSync(join(from, 'big.bin'), Buffer.alloc(64 * 1024 * 1024, 1));
  const bigOpen = () => readdirSync('/proc/self/fd').some((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === join(from, 'big.bin');
    } catch {
      return false;
    }
  });
  const reader = packFolder(from).getReader();
  for (let i = 0; i < 4; i++) await reader.read();
  expect(bigOpen()).toBe(true);
  await reader.cancel();
  for (let i = 0; i < 100 && bigOpen(); i++) await Bun.sleep(50);
  expect(bigOpen()).toBe(false);
});
