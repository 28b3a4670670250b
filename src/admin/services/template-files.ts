/**
 * Where template code lives on disk for the processes that run it: one folder
 * per distinct set of dependencies (named by the set's hash), installed once with
 * `bun install` in a sandbox that reaches the registry but nothing else of this
 * machine, with lifecycle scripts off; it holds the template files named by
 * their content's hash. In every folder `node_modules/rafiki` points at the
 * running Rafiki, so `import 'rafiki/model'` resolves to this SDK wherever the
 * folder is (a sandbox shows Rafiki at its own path).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { badRequest } from '../../common/errors.ts';
import type { Limits } from '../../common/services/services.ts';
import { linkSdk } from '../../model/sdk-link.ts';
import type { ServicesManager } from './manager.ts';

const INSTALLED_MARKER = '.rafiki-installed';
// npm's rules for a package name, and a version or range without surprises.
const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const VERSION = /^[\w.^~<>=*|@:/+ -]{1,100}$/;

export type Dependencies = Record<string, string>;

export function checkDependencies(value: unknown): Dependencies {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('dependencies must be a JSON object of package name → version, e.g. {"lodash": "4.17.21"}');
  }
  const deps: Dependencies = {};
  for (const [name, version] of Object.entries(value)) {
    if (!PACKAGE_NAME.test(name) || name.length > 214) throw badRequest(`dependencies: ${JSON.stringify(name)} is not an npm package name`);
    if (name === 'rafiki') throw badRequest('dependencies: "rafiki" is provided by the server; do not list it');
    if (typeof version !== 'string' || !VERSION.test(version)) throw badRequest(`dependencies: the version of ${name} must be a version or range string, got ${JSON.stringify(version)}`);
    deps[name] = version;
  }
  return deps;
}

export class TemplateFiles {
  private readonly installing = new Map<string, Promise<string>>();

  /** `installer.services` starts `bun install` (the Admin's services manager, which stops it at shutdown). */
  constructor(readonly root: string, private readonly installer: { services: Pick<ServicesManager, 'run'>; limits: Limits }) {
    mkdirSync(root, { recursive: true });
  }

  /** The folder for this dependency set, installed on first use; concurrent callers share one install. */
  prepare(dependencies: Dependencies): Promise<string> {
    const key = hashDependencies(dependencies);
    let pending = this.installing.get(key);
    if (!pending) {
      pending = this.install(join(this.root, key), dependencies).finally(() => this.installing.delete(key));
      this.installing.set(key, pending);
    }
    return pending;
  }

  /** The folder a prepared folder's templates import from. */
  static nodeModules(folder: string): string {
    return join(folder, 'node_modules');
  }

  /** Writes a template's code into a prepared folder; answers its path. */
  write(folder: string, code: Uint8Array): string {
    const hash = new Bun.CryptoHasher('sha256').update(code).digest('hex');
    const path = join(folder, 'templates', `${hash}.ts`);
    if (!existsSync(path)) {
      mkdirSync(join(folder, 'templates'), { recursive: true });
      writeFileSync(path, code);
    }
    return path;
  }

  private async install(folder: string, dependencies: Dependencies): Promise<string> {
    if (existsSync(join(folder, INSTALLED_MARKER))) return folder;
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'rafiki-template-dependencies', private: true, dependencies }, null, 2));
    if (Object.keys(dependencies).length > 0) {
      const install = await this.installer.services.run({
        kind: 'INSTALL', run: { bun: ['install', '--no-save', '--ignore-scripts'] }, untrusted: true, network: true, workdir: folder, limits: this.installer.limits,
      });
      const { code, reason, output } = await install.wait();
      if (code !== 0) {
        rmSync(folder, { recursive: true, force: true });
        const named = Object.keys(dependencies).filter((name) => output.includes(name));
        const lines = output.split('\n').filter((line) => /error/i.test(line)).slice(0, 3).join('; ');
        throw badRequest(`cannot install the dependencies${named.length ? ` (${named.map((n) => `${n}@${dependencies[n]}`).join(', ')})` : ''}: ${lines || `bun install ${reason}`}`);
      }
    }
    linkSdk(TemplateFiles.nodeModules(folder));
    writeFileSync(join(folder, INSTALLED_MARKER), new Date().toISOString());
    return folder;
  }
}

export function hashDependencies(dependencies: Dependencies): string {
  const sorted = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b)));
  return new Bun.CryptoHasher('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 24);
}
