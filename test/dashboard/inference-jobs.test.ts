/**
 * Inference jobs in the dashboard, in a real browser: deploy a stopped train job
 * from the form, query it in the try-it panel (named fields for a table; an image
 * file and the drawing pad for images), watch its serving figures move, stop it.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestAdmin, SUPERADMIN, type TestAdmin } from '../support/admin.ts';
import { browserProblem, openBrowser, screenshot, seriousViolations, submitSignIn, type TestBrowser } from '../support/browser.ts';
import { tempDir } from '../support/databases.ts';
import { png } from '../fixtures/datasets.ts';
import { mnistDigits } from '../fixtures/mnist.ts';
import { IRIS, SOFTMAX, TASK } from '../support/train-jobs.ts';
import { waitUntil } from '../support/wait.ts';

setDefaultTimeout(240_000);

async function signIn(page: Page, url: string): Promise<void> {
  await submitSignIn(page, url, SUPERADMIN.email, SUPERADMIN.password);
  await page.getByRole('heading', { name: 'Users' }).waitFor();
}

async function trained(t: TestAdmin, app: string, task: 'TABULAR_CLASSIFICATION' | 'IMAGE_CLASSIFICATION', dataset: string, model: { file: string; modelClass: string }) {
  const client = t.superadmin;
  const data = await client.createDataset({ name: app, task, file: dataset });
  const template = await client.createModel({ name: app, task, file: model.file, modelClass: model.modelClass });
  await client.createTrainJob({ app, task, trainDatasetId: data.id, valDatasetId: data.id, modelIds: [template.id], budget: { MODEL_TRIAL_COUNT: 1, GPU_COUNT: 0 } });
  await waitUntil(`train job ${app} to stop`, async () => (await client.getTrainJob(app)).status === 'STOPPED', 180_000);
}

describe.skipIf(browserProblem() !== null)('inference jobs in the dashboard', () => {
  let t: TestAdmin;
  let browser: TestBrowser;
  let folder: string;
  beforeAll(async () => {
    t = await startTestAdmin('embedded');
    browser = await openBrowser();
    folder = tempDir('rafiki-dashboard-');
    await trained(t, 'iris', TASK, IRIS, { file: SOFTMAX, modelClass: 'SoftmaxRegression' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.dispose();
  });

  test('deploy from the form, ask the try-it panel, see the figures move, stop', async () => {
    const page = await browser.page();
    await signIn(page, t.admin.url);
    await page.getByRole('link', { name: 'Inference jobs' }).click();
    const form = page.getByRole('form', { name: 'Deploy a train job' });
    await form.getByLabel('Train job').selectOption({ label: 'iris v1' });
    await form.getByRole('button', { name: 'Deploy' }).click();
    await page.getByRole('heading', { name: 'Inference job: iris v1' }).waitFor();
    expect(page.url()).toEndWith('#/inference-jobs/iris/1');
    const job = await t.superadmin.getRunningInferenceJob('iris');
    await page.getByText(job.predictor_host!).waitFor();

    const query = page.getByRole('form', { name: 'Query' });
    for (const [field, value] of [['sepal_length', '5.1'], ['sepal_width', '3.5'], ['petal_length', '1.4'], ['petal_width', '0.2']] as const) {
      await query.getByLabel(field).fill(value);
    }
    await query.getByRole('button', { name: 'Predict' }).click();
    await page.getByText('Predicted: setosa').waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'virginica' }).count()).toBe(1);

    // Queries from elsewhere show in the figures within a few readings.
    for (let i = 0; i < 20; i++) await t.superadmin.predict(job.predictor_host!, [5.1, 3.5, 1.4, 0.2]);
    await waitUntil('the answered count to include the queries', async () => {
      const text = await page.locator('dl.figures').innerText();
      const answered = Number(/Answered since start\s+(\d+)/.exec(text)?.[1] ?? 0);
      return answered >= 21;
    }, 30_000);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'inference-job');

    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, 'inference-job-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.locator('.status', { hasText: 'STOPPED' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Inference jobs' }).waitFor();
    await page.getByRole('cell', { name: 'iris v1' }).waitFor();
    await screenshot(page, 'inference-jobs');
  });

  test('an image model: an image file and the drawing pad both get a prediction over the ten digits', async () => {
    const { zip, samples } = mnistDigits({ perDigit: 10 });
    const zipPath = join(folder, 'digits.zip');
    writeFileSync(zipPath, zip);
    await trained(t, 'digits', 'IMAGE_CLASSIFICATION', zipPath, { file: join(import.meta.dir, '../../models/image_mlp.ts'), modelClass: 'ImageMlp' });
    await t.superadmin.createInferenceJob('digits');

    const page = await browser.page();
    await signIn(page, t.admin.url);
    await page.goto(`${t.admin.url}/#/inference-jobs/digits/1`);
    const seven = samples.find((s) => s.label === 7)!;
    const imagePath = join(folder, 'seven.png');
    writeFileSync(imagePath, png(28, 28, (x, y) => seven.pixels[y]![x]!));
    await page.getByLabel('An image file').setInputFiles(imagePath);
    await page.getByText(/Predicted: \d/).waitFor();
    expect(await page.locator('.prediction tbody tr').count()).toBe(10);

    const pad = page.getByRole('img', { name: 'Drawing pad' });
    const box = (await pad.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height - 20, { steps: 10 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Predict the drawing' }).click();
    await page.getByText(/Predicted: \d/).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'inference-job-image');
  });
});
