/**
 * Train jobs in a real browser: an app developer starts a job from the form (an
 * error the API gives is shown there in its words), watches its trials arrive in
 * the open page and its charts fill, sorts the trials by a knob, opens a trial
 * (its own plots drawn), comes back with the back button, and stops a running job.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { Client } from '../../src/client/index.ts';
import { startTestAdmin, type TestAdmin } from '../support/admin.ts';
import { browserProblem, openBrowser, screenshot, seriousViolations, submitSignIn, type TestBrowser } from '../support/browser.ts';
import { bundleTemplate } from '../support/services.ts';
import { BEHAVIOURS, finished, IRIS, SOFTMAX, TASK } from '../support/train-jobs.ts';
import { waitUntil } from '../support/wait.ts';

setDefaultTimeout(300_000);

const DEV = { email: 'builder@example.com', password: 'a long password' };
const PHONE = { width: 390, height: 844 };

async function signIn(page: Page, url: string): Promise<void> {
  await submitSignIn(page, url, DEV.email, DEV.password);
  await page.getByRole('heading', { name: 'Train jobs' }).waitFor();
}

const trialLinks = (page: Page) => page.getByRole('table', { name: /^Trials of / }).getByRole('link');
const figure = (page: Page, title: string) => page.locator('figure', { has: page.getByRole('heading', { name: title, exact: true }) });

/** The texts of a column of the trials table, top to bottom. */
async function column(page: Page, name: string): Promise<string[]> {
  return page.getByRole('table', { name: /^Trials of / }).evaluate((table, name) => {
    const headers = Array.from(table.querySelectorAll('thead th')).map((th) => th.textContent!.replace(/[▲▼]/g, '').trim());
    const at = headers.indexOf(name);
    return Array.from(table.querySelectorAll('tbody tr')).map((tr) => tr.children[at]!.textContent!.trim());
  }, name);
}

describe.skipIf(browserProblem() !== null)('train jobs in the dashboard', () => {
  let t: TestAdmin;
  let browser: TestBrowser;
  let dev: Client;
  let page: Page;

  beforeAll(async () => {
    t = await startTestAdmin('embedded');
    browser = await openBrowser();
    await t.superadmin.createUser({ email: 'modeller@example.com', password: 'a long password', userType: 'MODEL_DEVELOPER' });
    await t.superadmin.createUser({ ...DEV, userType: 'APP_DEVELOPER' });
    const modeller = new Client({ adminUrl: t.admin.url });
    await modeller.login('modeller@example.com', 'a long password');
    // SlowCentroid reports five steps a trial and defines a plot; softmax reports every epoch, its early stops decided by ASHA.
    await modeller.createModel({ name: 'slow-centroid', task: TASK, file: await bundleTemplate(BEHAVIOURS), modelClass: 'SlowCentroid', accessRight: 'PUBLIC' });
    await modeller.createModel({ name: 'softmax', task: TASK, file: await bundleTemplate(SOFTMAX), modelClass: 'SoftmaxRegression', accessRight: 'PUBLIC' });
    await modeller.createModel({ name: 'fails', task: TASK, file: await bundleTemplate(BEHAVIOURS), modelClass: 'AlwaysThrows', accessRight: 'PUBLIC' });
    dev = new Client({ adminUrl: t.admin.url });
    await dev.login(DEV.email, DEV.password);
    await dev.createDataset({ name: 'iris', task: TASK, file: IRIS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.dispose();
  });

  test('a job started from the form: refused budget told in the API\'s words; trials arrive in the open page; the charts fill', async () => {
    page = await browser.page();
    await signIn(page, t.admin.url);
    await page.getByRole('link', { name: 'New train job' }).click();
    const form = page.getByRole('form', { name: 'New train job' });
    await form.getByLabel('App').fill('iris');
    // The user's iris is offered (once the datasets have loaded) and chosen.
    await form.getByLabel('Training dataset').locator('option', { hasText: 'iris' }).waitFor({ state: 'attached' });
    await expect(form.getByLabel('Training dataset').inputValue()).resolves.toBe((await dev.getDatasets())[0]!.id);
    await form.getByLabel(/^slow-centroid/).check();
    await form.getByLabel(/^softmax/).check();
    // The API's defaults are shown; a GPU is refused by the API, and its words are shown at the form.
    await expect(form.getByLabel('Time limit (hours)').inputValue()).resolves.toBe('0.1');
    await expect(form.getByLabel('Trials per template').inputValue()).resolves.toBe('-1');
    await form.getByLabel('GPUs').fill('1');
    await form.getByLabel('Trials per template').fill('5');
    await form.getByRole('button', { name: 'Start train job' }).click();
    await form.getByRole('alert').getByText('budget: GPU_COUNT is 1 but this Rafiki has no GPU; use 0').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'train-job-new');

    await form.getByLabel('GPUs').fill('0');
    await form.getByRole('button', { name: 'Start train job' }).click();
    await page.getByRole('heading', { name: 'iris v1' }).waitFor();
    expect(page.url()).toEndWith('#/train-jobs/iris/1');

    // Trials arrive while the page is open: the table grows without the page being loaded again.
    // Chromium's layout-shift entries say how much of the page moved, and what moved, from the moment
    // the job itself has loaded (its templates named) to the last trial.
    await page.locator('dl.facts dd').filter({ hasText: 'slow-centroid' }).waitFor();
    await page.evaluate(() => {
      const shifts: { value: number; moved: string[] }[] = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as unknown as { value: number; sources: { node?: Node }[] }[]) {
          shifts.push({ value: entry.value, moved: entry.sources.map((s) => (s.node instanceof Element ? s.node.outerHTML.slice(0, 100) : String(s.node?.nodeName))) });
        }
      }).observe({ type: 'layout-shift' });
      Object.assign(window, { samePage: true, shifts });
    });
    const first = await waitUntil('a first trial in the table', async () => (await trialLinks(page).count()) || null, 120_000);
    await waitUntil('more trials in the table', async () => (await trialLinks(page).count()) > first, 120_000);
    expect(await page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage)).toBe(true);

    await finished(dev, 'iris');
    const trials = await dev.getTrials('iris');
    await waitUntil('every trial in the table', async () => (await trialLinks(page).count()) === trials.length);
    await page.locator('.page-head').getByText('STOPPED').waitFor();
    // No layout jump while the trials streamed in: what moved is a small fraction of what counts as a stable page (0.1).
    const shifts = await page.evaluate(() => (window as unknown as { shifts: { value: number; moved: string[] }[] }).shifts);
    expect({ total: shifts.reduce((sum, s) => sum + s.value, 0) < 0.02, shifts }).toMatchObject({ total: true });
    const [best] = await dev.getBestTrials('iris', -1, 1);
    expect(best).toBeDefined();
    // The charts are drawn, and their accessible names say what they show (of trials with equal scores, either may be named).
    await page.getByRole('img', { name: new RegExp(`^Optimisation history: Best score ${best!.score!.toFixed(4)} at .* of ${trials.length} trials\\.$`) }).waitFor();
    expect(await figure(page, 'Optimisation history').locator('canvas').count()).toBe(1);
    await page.getByRole('img', { name: /^Learning curves: \d+ trials reported scores, up to step \d+/ }).waitFor();
    expect(await figure(page, 'Learning curves').locator('canvas').count()).toBe(1);
    await page.getByLabel('Knobs of the template').selectOption({ label: 'slow-centroid' });
    const completed = trials.filter((x) => x.model_name === 'slow-centroid' && x.status === 'COMPLETED');
    await page.getByRole('img', { name: new RegExp(`^Parallel coordinates: ${completed.length} completed trials of slow-centroid`) }).waitFor();
    expect(await figure(page, 'Parallel coordinates').locator('polyline').count()).toBe(completed.length);
    await figure(page, 'Knob importance').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'train-job');

    // Sorted by a knob: the trials that have it in order, the other template's (without it) last.
    await page.getByRole('button', { name: 'temperature', exact: true }).click();
    const up = await column(page, 'temperature');
    const values = up.filter((v) => v !== '—').map(Number);
    expect(values.length).toBe(trials.filter((x) => x.model_name === 'slow-centroid').length);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(up.slice(values.length).every((v) => v === '—')).toBe(true);
    await page.getByRole('button', { name: 'temperature', exact: true }).click();
    const down = (await column(page, 'temperature')).filter((v) => v !== '—').map(Number);
    expect(down).toEqual([...values].reverse());
    await expect(page.getByRole('columnheader', { name: 'temperature' }).getAttribute('aria-sort')).resolves.toBe('descending');
  });

  test('a trial\'s page: knobs, its learning curve and its own plots; the back button returns to the job', async () => {
    const trial = (await dev.getTrials('iris')).find((x) => x.model_name === 'slow-centroid' && x.status === 'COMPLETED')!;
    await trialLinks(page).getByText(`slow-centroid #${trial.no}`, { exact: true }).click();
    await page.getByRole('heading', { name: `slow-centroid #${trial.no}` }).waitFor();
    expect(page.url()).toEndWith(`#/trials/${trial.id}`);
    await page.getByRole('table', { name: 'Knobs' }).getByRole('cell', { name: 'temperature' }).waitFor();
    // SlowCentroid defines a "Progress" plot of what it logs each epoch, and logs a message.
    await page.getByRole('img', { name: /^Progress: progress by epoch, 5 points; last progress 1\./ }).waitFor();
    expect(await figure(page, 'Progress').locator('canvas').count()).toBe(1);
    await page.getByRole('img', { name: /^Learning curve: \d+ scores reported during training/ }).waitFor();
    await page.getByRole('list', { name: 'Messages' }).getByText('fitted 3 centroids').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'trial');

    await page.goBack();
    await page.getByRole('heading', { name: 'iris v1' }).waitFor();
    expect(page.url()).toEndWith('#/train-jobs/iris/1');
    await waitUntil('the trials again', async () => (await trialLinks(page).count()) > 0);

    // On a phone's screen: the job's page and a trial's, from their addresses.
    const phone = await browser.page(PHONE);
    await signIn(phone, t.admin.url);
    await phone.goto(`${t.admin.url}/#/train-jobs/iris/1`);
    await phone.getByRole('img', { name: /^Optimisation history: Best score/ }).waitFor();
    await waitUntil('the trials on the phone', async () => (await trialLinks(phone).count()) > 0);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, 'train-job-phone');
    await phone.goto(`${t.admin.url}/#/trials/${trial.id}`);
    await phone.getByRole('img', { name: /^Progress: / }).waitFor();
    await screenshot(phone, 'trial-phone');
    await phone.goto(`${t.admin.url}/#/train-jobs`);
    await phone.getByRole('row', { name: /^iris STOPPED 1 TABULAR_CLASSIFICATION/ }).waitFor();
    await screenshot(phone, 'train-jobs-phone');
    await phone.goto(`${t.admin.url}/#/train-jobs/new`);
    await phone.getByRole('form', { name: 'New train job' }).getByLabel(/^softmax/).waitFor();
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, 'train-job-new-phone');
  });

  test('a running job is stopped from its page, after a confirmation; a failed trial shows its error and its stack', async () => {
    const [dataset] = await dev.getDatasets();
    const models = await dev.getAvailableModels(TASK);
    const ids = ['slow-centroid', 'fails'].map((name) => models.find((m) => m.name === name)!.id);
    await dev.createTrainJob({ app: 'long', task: TASK, trainDatasetId: dataset!.id, valDatasetId: dataset!.id, modelIds: ids, budget: { MODEL_TRIAL_COUNT: 200 } });
    const page = await browser.page();
    await signIn(page, t.admin.url);
    await page.getByRole('row', { name: /^long (STARTED|RUNNING) 1 TABULAR_CLASSIFICATION/ }).waitFor();
    await page.getByRole('row', { name: /^iris STOPPED 1 TABULAR_CLASSIFICATION/ }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'train-jobs');
    await page.getByRole('link', { name: 'long' }).click();
    await page.getByRole('heading', { name: 'long v1' }).waitFor();
    await waitUntil('a trial of each template', async () => (await trialLinks(page).getByText('slow-centroid').count()) > 0 && (await trialLinks(page).getByText('fails').count()) > 0, 120_000);
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.locator('.page-head').getByText('STOPPED').waitFor();
    expect(asked).toContain('Stop train job long v1?');
    expect((await dev.getTrainJob('long')).status).toBe('STOPPED');
    // An ended job has nothing to stop.
    expect(await page.getByRole('button', { name: 'Stop' }).count()).toBe(0);

    const failed = (await dev.getTrials('long')).find((x) => x.model_name === 'fails' && x.status === 'ERRORED')!;
    await trialLinks(page).getByText(`fails #${failed.no}`, { exact: true }).click();
    await page.getByRole('alert').getByText('this template always fails').waitFor();
    // The stack is among its messages: the error, then where it was thrown.
    await page.getByRole('list', { name: 'Messages' }).getByText(/^Error: this template always fails\n\s+at /).first().waitFor();
    // And beside the error, folded: the trial's own stack (its owner sees it).
    await page.getByText('Where the template failed (its stack)').click();
    await page.locator('details.stack pre').getByText(/^Error: this template always fails\n\s+at /).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'trial-errored');
  });
});
