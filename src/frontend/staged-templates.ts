/**
 * A folder for the templates that import `rafiki/model` alone: its
 * `node_modules/rafiki` links this Rafiki, and each template is copied beside
 * it, so that its import resolves with or without a sandbox. The frontend makes
 * it once, in its scratch folder, wherever it runs (beside the Admin, or on
 * another host where the Admin's own template folders are not).
 */
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { linkSdk } from '../model/sdk-link.ts';

let folder: string | null = null;

/** The template at `path`, copied into the folder: its file there, and the folder's `node_modules`. */
export function stageTemplate(path: string, name: string): { file: string; nodeModules: string } {
  if (folder === null) {
    folder = mkdtempSync(join(tmpdir(), 'rafiki-templates-'));
    linkSdk(join(folder, 'node_modules'));
  }
  // A .ts name, whatever the file was given as: Bun reads a template by its extension.
  const file = join(folder, `${basename(name).replace(/[^\w-]/g, '_')}.ts`);
  if (!existsSync(file)) copyFileSync(path, file);
  return { file, nodeModules: join(folder, 'node_modules') };
}
