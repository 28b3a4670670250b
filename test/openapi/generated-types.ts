/**
 * A document fed to a generic client generator: openapi-typescript writes its
 * types, and tsc compiles them with a usage file that must type-check (and whose
 * `@ts-expect-error` lines must fail), as a client of the generated code would.
 */
import openapiTS, { astToString } from 'openapi-typescript';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TSC = join(import.meta.dir, '../../node_modules/.bin/tsc');

/** tsc's complaints about `usage` (which imports the generated types from './api.ts'); empty when it compiles. */
export async function compileGenerated(document: unknown, usage: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'rafiki-openapi-types-'));
  try {
    writeFileSync(join(dir, 'api.ts'), astToString(await openapiTS(document as Parameters<typeof openapiTS>[0])));
    writeFileSync(join(dir, 'usage.ts'), usage);
    // No ambient types: the generated file must stand alone.
    const compilerOptions = { noEmit: true, strict: true, target: 'ESNext', module: 'ESNext', moduleResolution: 'bundler', allowImportingTsExtensions: true, types: [] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['usage.ts'] }));
    const run = Bun.spawnSync([TSC, '-p', dir], { stdout: 'pipe', stderr: 'pipe', timeout: 120_000 });
    return (run.stdout.toString() + run.stderr.toString()).replaceAll(dir, '.').trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
