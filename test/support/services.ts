/**
 * The services contract as the tests use it: sandboxed with bubblewrap where it
 * works here (CI installs it and sets RAFIKI_SANDBOX=required, so that there a
 * missing sandbox fails instead of being skipped), and template files laid out
 * as the Admin lays them out, so that a sandbox can show them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemplateFiles } from '../../src/admin/services/template-files.ts';
import { bubblewrap, bubblewrapProblem } from '../../src/common/services/bubblewrap.ts';
import { LocalServices } from '../../src/common/services/local.ts';
import { unsandboxed } from '../../src/common/services/sandbox.ts';

/** Why bubblewrap cannot sandbox here, or null; throws where the sandbox is required. */
export async function sandboxProblem(): Promise<string | null> {
  const problem = await bubblewrapProblem();
  if (problem && process.env.RAFIKI_SANDBOX === 'required') throw new Error(`RAFIKI_SANDBOX=required, but ${problem}`);
  return problem;
}

export async function testServices(): Promise<LocalServices> {
  return new LocalServices({ sandbox: (await sandboxProblem()) === null ? bubblewrap() : unsandboxed });
}

let files: Promise<{ templates: TemplateFiles; folder: string }> | undefined;

/**
 * A template file as a deployment holds it: bundled into one file (its relative
 * imports inlined, `rafiki/model` left to resolve), in a folder whose
 * `node_modules` has `rafiki`. Answers its path and that `node_modules`.
 */
export async function deployableTemplate(file: string): Promise<{ path: string; nodeModules: string }> {
  files ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), 'rafiki-templates-'));
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
    // Templates here have no dependencies: nothing is ever installed.
    const services = new LocalServices({ sandbox: unsandboxed });
    const templates = new TemplateFiles(root, { services: { run: (spec) => services.spawn(spec) }, limits: { memoryBytes: 2 * 1024 ** 3, processes: 32 } });
    return { templates, folder: await templates.prepare({}) };
  })();
  const { templates, folder } = await files;
  return { path: templates.write(folder, await bundleTemplate(file)), nodeModules: TemplateFiles.nodeModules(folder) };
}

/** A template and the files it imports relatively, as one module; `rafiki/*` stays an import. */
export async function bundleTemplate(file: string): Promise<Uint8Array> {
  const built = await Bun.build({ entrypoints: [file], target: 'bun', format: 'esm', external: ['rafiki', 'rafiki/*'] });
  if (!built.success) throw new AggregateError(built.logs, `cannot bundle ${file}`);
  // Bun marks its output `// @bun` (run as it is, untranspiled); a test may append TypeScript to it.
  return new TextEncoder().encode((await built.outputs[0]!.text()).replace(/^\/\/ @bun\n/, ''));
}
