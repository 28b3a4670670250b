/**
 * How template code finds `rafiki/model` wherever it lives: the folder it is
 * imported from has `node_modules/rafiki` pointing at this SDK's package root, so
 * Bun's ordinary package resolution finds it. The Admin prepares its template
 * folders this way (src/admin/services/template-files.ts), and `testModel` stages
 * a template written anywhere into such a folder (./staged-template.ts).
 */
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The package root of the running Rafiki (the folder of its package.json). */
export const SDK_ROOT = resolve(import.meta.dir, '../..');

/**
 * Makes `nodeModules/rafiki` a link to this SDK, replacing what was there.
 *
 * @example
 * linkSdk(join(folder, 'node_modules')); // then `import 'rafiki/model'` from folder/x.ts resolves here
 */
export function linkSdk(nodeModules: string): void {
  mkdirSync(nodeModules, { recursive: true });
  const link = join(nodeModules, 'rafiki');
  rmSync(link, { force: true, recursive: true });
  symlinkSync(SDK_ROOT, link, 'dir');
}
