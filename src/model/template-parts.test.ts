// Each refusal the template check gives, made for real by loadTemplate, is read as the part it is about.
import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTemplate, TemplateError } from './template.ts';
import { templatePartOf } from './template-parts.ts';

const dir = mkdtempSync(join(tmpdir(), 'rafiki-template-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const METHODS = 'async train() {} async evaluate() { return 0; } async predict() { return []; } async dumpParameters() { return {}; } async loadParameters() {}';

async function refusal(code: string, className: string, task?: 'TABULAR_CLASSIFICATION'): Promise<string> {
  const file = join(dir, `${crypto.randomUUID()}.ts`);
  writeFileSync(file, code);
  const error = await loadTemplate(file, className, task).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TemplateError);
  return (error as Error).message;
}

test("every refusal of the template check names the part it is about", async () => {
  expect(templatePartOf(await refusal('export class Broken {\n  train( {\n}\n', 'Broken'))).toBe('module');
  expect(templatePartOf(`model_file_bytes: ${await refusal('export class Other {}\n', 'Missing')}`)).toBe('class');
  expect(templatePartOf(await refusal('export class Half { async train() {} }\n', 'Half'))).toBe('class');
  expect(templatePartOf(await refusal(`export class K { ${METHODS} static knobConfig = { lr: { type: 'float', min: 1, max: 0, log: false } }; static tasks = ['TABULAR_CLASSIFICATION']; }\n`, 'K'))).toBe('knobs');
  expect(templatePartOf(await refusal(`export class T { ${METHODS} static knobConfig = {}; static tasks = []; }\n`, 'T'))).toBe('task');
  expect(templatePartOf(await refusal(`export class I { ${METHODS} static knobConfig = {}; static tasks = ['IMAGE_CLASSIFICATION']; }\n`, 'I', 'TABULAR_CLASSIFICATION'))).toBe('task');
  // The Admin's own, around the sandboxed check.
  expect(templatePartOf('model_file_bytes: the template did not finish loading within 5 s (does it loop or wait while being imported?)')).toBe('module');
  expect(templatePartOf('cannot install the dependencies (left-pad@99): 404')).toBe('dependencies');
  expect(templatePartOf('you already have a model named knn')).toBeNull();
});
