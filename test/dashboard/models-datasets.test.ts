/**
 * The dashboard's model templates and datasets pages in a real browser: a model
 * developer uploads a template, sees the check's result and its knobs, downloads
 * and deletes it, and sees a refused template's reason; an app developer sees
 * templates read-only, uploads a table and an image zip with a progress bar,
 * previews and deletes them. Every page is checked with axe and photographed at
 * 1280×800 and 390×844.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Client } from '../../src/client/index.ts';
import { mnistZip } from '../fixtures/mnist.ts';
import { startTestAdmin, type TestAdmin } from '../support/admin.ts';
import { browserProblem, openBrowser, screenshot, seriousViolations, submitSignIn, type TestBrowser } from '../support/browser.ts';
import { bundleTemplate } from '../support/services.ts';

setDefaultTimeout(180_000);

const PASSWORD = 'a long password';
const MODELLER = 'modeller@example.com';
const BUILDER = 'builder@example.com';
const IRIS = join(import.meta.dir, '../fixtures/iris.csv');
const PHONE = { width: 390, height: 844 };

async function signIn(page: Page, url: string, email: string): Promise<void> {
  await submitSignIn(page, url, email, PASSWORD);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** The same page on a phone's screen, signed in as the same user: its screenshot, and no serious accessibility problem there either. */
async function onPhone(browser: TestBrowser, url: string, email: string, path: string, ready: (page: Page) => Promise<void>, name: string): Promise<void> {
  const page = await browser.page(PHONE);
  await signIn(page, url, email);
  await page.goto(`${url}/#${path}`);
  await ready(page);
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, name);
  await page.context().close();
}

/** Every text the page's upload status showed, in order, from now on: none is missed however short it lasted. */
async function recordUploadStatus(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (globalThis as unknown as { uploadStatus: string[] }).uploadStatus = seen;
    new MutationObserver(() => {
      const text = document.querySelector('.upload-progress [role="status"]')?.textContent ?? '';
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (globalThis as unknown as { uploadStatus: string[] }).uploadStatus);
}

describe.skipIf(browserProblem() !== null)('the templates and datasets pages', () => {
  let t: TestAdmin;
  let browser: TestBrowser;
  let modeller: Client;
  let files: string;
  let template: Uint8Array;

  beforeAll(async () => {
    t = await startTestAdmin('embedded');
    for (const [email, userType] of [[MODELLER, 'MODEL_DEVELOPER'], [BUILDER, 'APP_DEVELOPER']] as const) {
      await t.superadmin.createUser({ email, password: PASSWORD, userType });
    }
    modeller = new Client({ adminUrl: t.admin.url });
    await modeller.login(MODELLER, PASSWORD);
    files = mkdtempSync(join(tmpdir(), 'rafiki-dashboard-'));
    template = await bundleTemplate(join(import.meta.dir, '../fixtures/templates/tiny-centroid.ts'));
    writeFileSync(join(files, 'tiny-centroid.ts'), template);
    writeFileSync(join(files, 'half.ts'), 'export class Half { async train() {} }\n');
    writeFileSync(join(files, 'digits.zip'), mnistZip({ perDigit: 3 }));
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.dispose();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  test('a model developer uploads a template, sees the check passed and its knobs, downloads it byte for byte, deletes it', async () => {
    const page = await browser.page();
    await signIn(page, t.admin.url, MODELLER);
    // A model developer's home is the templates page.
    await page.getByRole('heading', { name: 'Model templates', exact: true }).waitFor();
    expect(page.url()).toEndWith('#/models');

    const form = page.getByRole('form', { name: 'Upload a template' });
    await form.getByLabel('Name', { exact: true }).fill('centroid');
    await form.getByRole('combobox', { name: /^Task/ }).selectOption('TABULAR_CLASSIFICATION');
    await form.getByLabel('Class name', { exact: true }).fill('TinyCentroid');
    await form.getByLabel(/Template file/).setInputFiles(join(files, 'tiny-centroid.ts'));
    await form.getByRole('button', { name: 'Upload and check' }).click();

    const result = page.getByRole('region', { name: 'Check passed: centroid' });
    await result.waitFor();
    await result.getByText('serves TABULAR_CLASSIFICATION').waitFor();
    await result.getByText('3 valid knobs').waitFor();
    const knobs = result.getByRole('table', { name: 'Knobs of centroid' });
    expect((await knobs.getByRole('row').allInnerTexts()).map((row) => row.split('\t').map((cell) => cell.trim()))).toEqual([
      ['Knob', 'Type', 'Range, values or value', 'Scale'],
      ['metric', 'categorical', '"euclidean", "manhattan"', '—'],
      ['shrink', 'float', '0 – 0.5', 'linear'],
      ['temperature', 'float', '0.1 – 10', 'log'],
    ]);
    await page.getByRole('table', { name: 'Available model templates' }).getByRole('link', { name: 'centroid' }).waitFor();
    const centroidRow = page.getByRole('table', { name: 'Available model templates' }).getByRole('row').filter({ hasText: 'TinyCentroid' });
    expect((await centroidRow.getByRole('cell').allInnerTexts()).slice(0, 2).map((cell) => cell.trim())).toEqual(['centroid', '1']);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'models');

    await result.getByRole('link', { name: 'Open centroid' }).click();
    await page.getByRole('heading', { name: 'centroid', exact: true }).waitFor();
    const id = page.url().split('#/models/')[1]!;
    await page.getByRole('table', { name: 'Knobs of centroid' }).getByRole('cell', { name: 'temperature' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'model');
    await onPhone(browser, t.admin.url, MODELLER, `/models/${id}`, (p) => p.getByRole('cell', { name: 'temperature' }).waitFor(), 'model-phone');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download centroid' }).click()]);
    expect(download.suggestedFilename()).toBe('centroid.ts');
    expect(Buffer.from(readFileSync(await download.path())).equals(Buffer.from(template))).toBe(true);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete centroid' }).click();
    await page.getByRole('heading', { name: 'Model templates', exact: true }).waitFor();
    expect((await modeller.getAvailableModels()).map((m) => m.name)).not.toContain('centroid');
    await page.context().close();
  });

  test("a template that fails the check is refused, in the check's words, where the form is", async () => {
    const page = await browser.page();
    await signIn(page, t.admin.url, MODELLER);
    const form = page.getByRole('form', { name: 'Upload a template' });
    await form.getByLabel('Name', { exact: true }).fill('half');
    await form.getByLabel('Class name', { exact: true }).fill('Half');
    await form.getByLabel(/Template file/).setInputFiles(join(files, 'half.ts'));
    await form.getByRole('button', { name: 'Upload and check' }).click();
    await page.getByRole('alert').getByText('Half does not follow the Model contract: it has no evaluate, predict, dumpParameters, loadParameters methods').waitFor();
    await page.getByText('Not stored (100% sent); the reason is below.').waitFor();
    // The check part by part: what passed, where it failed, what it did not reach.
    const refused = page.getByRole('region', { name: 'Check refused: half' });
    const checks = (await refused.locator('dl.checks').innerText()).split('\n').map((line) => line.trim()).filter(Boolean);
    expect(checks).toEqual([
      'Dependencies', '✓ installed, or none needed',
      'Module', '✓ imported in a sandbox without error',
      'Class', expect.stringMatching(/^✗ Half does not follow the Model contract/),
      'Knob config', '— not checked',
      'Task', '— not checked',
    ]);
    expect(await page.getByRole('region', { name: /Check passed/ }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'models-refused');
    await onPhone(browser, t.admin.url, MODELLER, '/models', (p) => p.getByRole('form', { name: 'Upload a template' }).waitFor(), 'models-upload-phone');
    await page.context().close();
  });

  test('an app developer sees the available templates, read-only', async () => {
    await modeller.createModel({ name: 'shared-centroid', task: 'TABULAR_CLASSIFICATION', file: template, modelClass: 'TinyCentroid', accessRight: 'PUBLIC' });
    await modeller.createModel({ name: 'private-centroid', task: 'TABULAR_CLASSIFICATION', file: template, modelClass: 'TinyCentroid' });
    const page = await browser.page();
    await signIn(page, t.admin.url, BUILDER);
    await page.goto(`${t.admin.url}/#/models`);
    const table = page.getByRole('table', { name: 'Available model templates' });
    await table.getByRole('link', { name: 'shared-centroid' }).waitFor();
    expect(await table.getByRole('link', { name: 'private-centroid' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Upload a template' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Delete/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Download shared-centroid' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'models-app-developer');
    await onPhone(browser, t.admin.url, BUILDER, '/models', (p) => p.getByRole('link', { name: 'shared-centroid' }).waitFor(), 'models-phone');
    await page.context().close();
  });

  test('an app developer uploads a CSV with a progress bar, previews its columns and first rows, and deletes it', async () => {
    const page = await browser.page();
    await signIn(page, t.admin.url, BUILDER);
    await page.goto(`${t.admin.url}/#/datasets`);
    await page.getByRole('heading', { name: 'Datasets', exact: true }).waitFor();
    const statuses = await recordUploadStatus(page);

    const form = page.getByRole('form', { name: 'Upload a dataset' });
    await form.getByLabel('Name', { exact: true }).fill('iris');
    await form.getByRole('combobox', { name: /^Task/ }).selectOption('TABULAR_CLASSIFICATION');
    await form.getByLabel(/File/).setInputFiles(IRIS);
    await form.getByRole('button', { name: 'Upload and check' }).click();
    await page.getByRole('status').getByText('iris was stored: 150 rows, 5 columns.').waitFor();
    // The bar, labelled, was fed by the upload's progress (all sent, then the check), and is full.
    const bar = page.getByRole('progressbar', { name: 'Dataset upload' });
    expect(await bar.getAttribute('value')).toBe('1');
    expect(await statuses()).toEqual(expect.arrayContaining(['Sent; the Admin is checking it…', 'Sent and checked.']));
    expect((await statuses()).at(-1)).toBe('Sent and checked.');
    await page.getByRole('table', { name: 'Your datasets' }).getByRole('link', { name: 'iris' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'datasets');

    await page.getByRole('link', { name: 'Preview iris' }).click();
    const preview = page.getByRole('region', { name: 'The first 10 rows of 150, with each column\'s type' });
    await preview.waitFor();
    const headers = await preview.getByRole('columnheader').allInnerTexts();
    expect(headers.map((h) => h.replace(/\s+/g, ' '))).toEqual(['sepal_length numeric', 'sepal_width numeric', 'petal_length numeric', 'petal_width numeric', 'class text']);
    const rows = await preview.getByRole('row').allInnerTexts();
    expect(rows).toHaveLength(11);
    expect(rows[1]!.split(/\s+/)).toEqual(['5.1', '3.5', '1.4', '0.2', 'setosa']);
    const id = page.url().split('#/datasets/')[1]!;
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'dataset-table');
    await onPhone(browser, t.admin.url, BUILDER, `/datasets/${id}`, (p) => p.getByRole('cell', { name: 'setosa' }).first().waitFor(), 'dataset-table-phone');
    await onPhone(browser, t.admin.url, BUILDER, '/datasets', (p) => p.getByRole('link', { name: 'iris' }).waitFor(), 'datasets-phone');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete iris' }).click();
    await page.getByRole('heading', { name: 'Datasets', exact: true }).waitFor();
    await page.getByRole('table', { name: 'Your datasets' }).getByText('No datasets yet.').waitFor();
    await page.context().close();
  });

  test('an image dataset previews as thumbnails from every class and the count of each class', async () => {
    const page = await browser.page();
    await signIn(page, t.admin.url, BUILDER);
    await page.goto(`${t.admin.url}/#/datasets`);
    const form = page.getByRole('form', { name: 'Upload a dataset' });
    await form.getByLabel('Name', { exact: true }).fill('digits');
    await form.getByRole('combobox', { name: /^Task/ }).selectOption('IMAGE_CLASSIFICATION');
    await form.getByLabel(/File/).setInputFiles(join(files, 'digits.zip'));
    await form.getByRole('button', { name: 'Upload and check' }).click();
    await page.getByRole('status').getByText('digits was stored: 30 images.').waitFor();
    await page.getByRole('link', { name: 'Preview digits' }).click();

    const counts = page.getByRole('table', { name: 'Images per class' });
    await counts.waitFor();
    const countRows = (await counts.getByRole('row').allInnerTexts()).slice(1).map((r) => r.trim().split(/\s+/));
    expect(countRows).toEqual(Array.from({ length: 10 }, (_, digit) => [String(digit), '3']));
    const thumbnails = page.getByRole('img', { name: /^An image of class/ });
    expect(await thumbnails.count()).toBe(24);
    for (const digit of '0123456789') expect(await page.getByRole('img', { name: `An image of class ${digit}` }).count()).toBeGreaterThanOrEqual(2);
    // Every thumbnail is a decoded picture, not a broken image.
    expect(await thumbnails.evaluateAll((images) => images.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth === 28))).toBe(true);
    const id = page.url().split('#/datasets/')[1]!;
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'dataset-images');
    await onPhone(browser, t.admin.url, BUILDER, `/datasets/${id}`, (p) => p.getByRole('img', { name: 'An image of class 9' }).first().waitFor(), 'dataset-images-phone');
    expect(browser.offHost).toEqual([]);
    await page.context().close();
  });
});
