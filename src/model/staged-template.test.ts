import { afterAll, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Model } from './model.ts';
import { SDK_ROOT } from './sdk-link.ts';
import { importTemplate, stageTemplate } from './staged-template.ts';

// A folder outside the repository, with no node_modules above it.
const dir = mkdtempSync(join(tmpdir(), 'rafiki-staged-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'regressor.ts');
writeFileSync(file, readFileSync(join(import.meta.dir, '../../test/fixtures/sdk-templates/mean-regressor.ts')));

test('importTemplate loads a template from any folder, on the SDK the caller uses', async () => {
  const { Template, dispose } = await importTemplate(file, 'LinearRegressor', 'TABULAR_REGRESSION');
  try {
    expect(Template.tasks).toEqual(['TABULAR_REGRESSION']);
    // One copy of the SDK: the template's Model is the caller's.
    expect(new Template({ epochs: 20, learningRate: 0.05 })).toBeInstanceOf(Model);
  } finally {
    dispose();
  }
  await expect(importTemplate(file, 'Nope')).rejects.toThrow(`${file} exports no class named "Nope" (it exports LinearRegressor)`);
});

test('stageTemplate copies the file beside a node_modules/rafiki that is this SDK; dispose removes it', () => {
  const staged = stageTemplate(file);
  expect(readFileSync(staged.path, 'utf8')).toBe(readFileSync(file, 'utf8'));
  expect(realpathSync(join(dirname(staged.path), 'node_modules/rafiki'))).toBe(realpathSync(SDK_ROOT));
  expect(staged.original(`cannot import ${staged.path}`)).toBe(`cannot import ${file}`);
  staged.dispose();
  expect(existsSync(dirname(staged.path))).toBe(false);
});
