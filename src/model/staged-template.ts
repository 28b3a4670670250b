/**
 * A template written anywhere, staged as the Admin stages an upload: copied into a
 * fresh folder whose `node_modules/rafiki` points at this SDK (./sdk-link.ts), so
 * `import 'rafiki/model'` resolves even where no Rafiki is installed. The packages
 * the template's own folder sees (its `node_modules` and those above) are linked
 * in beside it, as the Admin installs a template's `dependencies`; files beside
 * the template are not, since an uploaded template is one module too.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { ModelClass } from './model.ts';
import { linkSdk } from './sdk-link.ts';
import type { Task } from './task.ts';
import { loadTemplate, TemplateError } from './template.ts';

export interface StagedTemplate {
  /** Where the copy is; import it from here. */
  path: string;
  /** A message about the copy, with its path named as the author knows the file. */
  original(message: string): string;
  /** Removes the staging folder. */
  dispose(): void;
}

/**
 * Imports a template written anywhere and checks its contract as `loadTemplate`
 * does, from a staged copy; errors name `file`, not the copy. Call `dispose` once
 * done with the class.
 *
 * @example
 * const { Template, dispose } = await importTemplate('/home/me/knn/knn.ts', 'KNearestNeighbors');
 * const model = await client.loadTrialModel(trialId, Template);
 */
export async function importTemplate(file: string, className: string, task?: Task): Promise<{ Template: ModelClass; dispose(): void }> {
  if (!existsSync(file)) return { Template: await loadTemplate(file, className, task), dispose: () => {} };
  const staged = stageTemplate(file);
  try {
    return { Template: await loadTemplate(staged.path, className, task), dispose: staged.dispose };
  } catch (error) {
    staged.dispose();
    throw error instanceof TemplateError ? new TemplateError(staged.original(error.message)) : error;
  }
}

/**
 * Stages a template file for import; call `dispose` once done with the module.
 *
 * @example
 * const staged = stageTemplate('/home/me/knn/knn.ts');
 * try { await loadTemplate(staged.path, 'KNearestNeighbors'); } finally { staged.dispose(); }
 */
export function stageTemplate(file: string): StagedTemplate {
  const source = resolve(file);
  const folder = mkdtempSync(join(tmpdir(), 'rafiki-staged-template-'));
  try {
    const nodeModules = join(folder, 'node_modules');
    linkSdk(nodeModules);
    linkVisiblePackages(dirname(source), nodeModules);
    const path = join(folder, basename(source));
    copyFileSync(source, path);
    return {
      path,
      original: (message) => message.replaceAll(path, file),
      dispose: () => rmSync(folder, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

/** Links into `target` every package that an import from `from` would find, the nearest first, as Node's resolution does. */
function linkVisiblePackages(from: string, target: string): void {
  const linked = new Set(['rafiki']);
  for (let dir = from; ; dir = dirname(dir)) {
    const nodeModules = join(dir, 'node_modules');
    if (existsSync(nodeModules)) {
      for (const name of packageNames(nodeModules)) {
        if (linked.has(name)) continue;
        linked.add(name);
        if (name.includes('/')) mkdirSync(join(target, name.slice(0, name.indexOf('/'))), { recursive: true });
        symlinkSync(join(nodeModules, name), join(target, name));
      }
    }
    if (dirname(dir) === dir) return;
  }
}

function packageNames(nodeModules: string): string[] {
  return readdirSync(nodeModules, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.')) return [];
    if (!entry.name.startsWith('@')) return [entry.name];
    if (!entry.isDirectory()) return [];
    return readdirSync(join(nodeModules, entry.name)).map((name) => `${entry.name}/${name}`);
  });
}
