import { afterEach, expect, test } from 'bun:test';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packFolder } from '../common/ipc/folder-archive.ts';
import { SDK_ROOT } from '../model/sdk-link.ts';
import { FolderCache } from './folder-cache.ts';

const made: string[] = [];
afterEach(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'rafiki-cache-test-'));
  made.push(path);
  return path;
}

/** A node_modules as the Admin has it: a package, a bin link, and its link to its own Rafiki. */
function nodeModules(): string {
  const modules = join(folder(), 'node_modules');
  mkdirSync(join(modules, 'pkg'), { recursive: true });
  mkdirSync(join(modules, '.bin'));
  writeFileSync(join(modules, 'pkg/index.js'), 'module.exports = 42;\n');
  symlinkSync('../pkg/index.js', join(modules, '.bin/pkg'));
  symlinkSync('/somewhere/the/admin/keeps/rafiki', join(modules, 'rafiki'));
  return modules;
}

test('a folder is fetched once per key; its rafiki link is this host\'s own', async () => {
  const cache = new FolderCache(join(folder(), 'cache'));
  const modules = nodeModules();
  let downloads = 0;
  const download = async () => {
    downloads++;
    return packFolder(modules, { leaveOut: ['rafiki'] });
  };
  const first = await cache.folder({ key: 'k1', rafiki: true }, download);
  const again = await cache.folder({ key: 'k1', rafiki: true }, download);
  expect(again).toBe(first);
  expect(downloads).toBe(1);
  expect(readFileSync(join(first, '.bin/pkg'), 'utf8')).toBe('module.exports = 42;\n');
  expect(readlinkSync(join(first, 'rafiki'))).toBe(SDK_ROOT);
  // Another key is another folder; one sent without Rafiki's link gets none.
  const bare = await cache.folder({ key: 'k2', rafiki: false }, download);
  expect(bare).not.toBe(first);
  expect(existsSync(join(bare, 'rafiki'))).toBe(false);
  expect(downloads).toBe(2);
});

test('runners that fetch one folder at once each get it whole, and one copy stays', async () => {
  const root = join(folder(), 'cache');
  const modules = nodeModules();
  const paths = await Promise.all([1, 2, 3].map(() => new FolderCache(root).folder({ key: 'same', rafiki: true }, async () => packFolder(modules, { leaveOut: ['rafiki'] }))));
  expect(new Set(paths).size).toBe(1);
  expect(readFileSync(join(paths[0]!, 'pkg/index.js'), 'utf8')).toBe('module.exports = 42;\n');
  expect(readdirSync(root)).toHaveLength(1);
});

test('a refused archive leaves nothing in the cache, and the next fetch tries again', async () => {
  const root = join(folder(), 'cache');
  const cache = new FolderCache(root);
  const evil = folder();
  symlinkSync('/etc', join(evil, 'out'));
  await expect(cache.folder({ key: 'k', rafiki: true }, async () => packFolder(evil))).rejects.toThrow('is a link to an absolute path');
  expect(readdirSync(root)).toEqual([]);
  const path = await cache.folder({ key: 'k', rafiki: true }, async () => packFolder(nodeModules(), { leaveOut: ['rafiki'] }));
  expect(readFileSync(join(path, 'pkg/index.js'), 'utf8')).toBe('module.exports = 42;\n');
});

test('a cache folder that others may read or write is not used', () => {
  const root = join(folder(), 'cache');
  mkdirSync(root, { mode: 0o700 });
  chmodSync(root, 0o777);
  expect(() => new FolderCache(root)).toThrow('must be a folder of this user\'s that no one else can read or write');
});
