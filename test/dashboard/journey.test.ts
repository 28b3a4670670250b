/**
 * One continuous journey through the dashboard, in a real browser with every
 * other host blocked, each role in its own tab, nothing done through the API:
 * an admin creates the users; a model developer uploads a public template; an
 * app developer uploads a dataset, starts a train job, watches its trials arrive
 * and its charts fill, opens a trial, deploys, and gets a right prediction; an
 * app user finds the deployed model and queries it; banned, they are sent back
 * to sign-in.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { startTestAdmin, SUPERADMIN, type TestAdmin } from '../support/admin.ts';
import { browserProblem, openBrowser, screenshot, seriousViolations, submitSignIn, type TestBrowser } from '../support/browser.ts';
import { IRIS, SOFTMAX } from '../support/train-jobs.ts';
import { waitUntil } from '../support/wait.ts';

setDefaultTimeout(300_000);

const PASSWORD = 'a long password';
const USERS = [
  ['modeller@example.com', 'MODEL_DEVELOPER'],
  ['builder@example.com', 'APP_DEVELOPER'],
  ['querier@example.com', 'APP_USER'],
] as const;
const SETOSA = { sepal_length: '5.1', sepal_width: '3.5', petal_length: '1.4', petal_width: '0.2' };

async function signIn(browser: TestBrowser, url: string, email: string, password: string, home: string): Promise<Page> {
  const page = await browser.page();
  await submitSignIn(page, url, email, password);
  await page.getByRole('heading', { name: home, exact: true }).waitFor();
  return page;
}

async function askSetosa(page: Page): Promise<void> {
  const query = page.getByRole('form', { name: 'Query' });
  for (const [field, value] of Object.entries(SETOSA)) await query.getByLabel(field).fill(value);
  await query.getByRole('button', { name: 'Predict' }).click();
  await page.getByText('Predicted: setosa').waitFor();
}

describe.skipIf(browserProblem() !== null)('a journey through the dashboard', () => {
  let t: TestAdmin;
  let browser: TestBrowser;
  beforeAll(async () => {
    t = await startTestAdmin('embedded');
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.dispose();
  });

  test('admin, model developer, app developer and app user, each in the browser alone', async () => {
    const admin = await signIn(browser, t.admin.url, SUPERADMIN.email, SUPERADMIN.password, 'Users');
    const create = admin.getByRole('form', { name: 'Create a user' });
    for (const [email, role] of USERS) {
      await create.getByLabel('Email').fill(email);
      await create.getByLabel('Password').fill(PASSWORD);
      await create.getByLabel('Role').selectOption(role);
      await create.getByRole('button', { name: 'Create' }).click();
      await admin.getByText(`${email} was created as ${role}.`).waitFor();
    }

    const modeller = await signIn(browser, t.admin.url, USERS[0][0], PASSWORD, 'Model templates');
    const upload = modeller.getByRole('form', { name: 'Upload a template' });
    await upload.getByLabel('Name', { exact: true }).fill('my-softmax');
    await upload.getByRole('combobox', { name: /^Task/ }).selectOption('TABULAR_CLASSIFICATION');
    await upload.getByLabel('Class name', { exact: true }).fill('SoftmaxRegression');
    await upload.getByLabel('Access').selectOption('PUBLIC');
    await upload.getByLabel(/Template file/).setInputFiles(SOFTMAX);
    await upload.getByRole('button', { name: 'Upload and check' }).click();
    await modeller.getByRole('region', { name: 'Check passed: my-softmax' }).waitFor();

    const builder = await signIn(browser, t.admin.url, USERS[1][0], PASSWORD, 'Train jobs');
    await builder.getByRole('link', { name: 'Datasets' }).click();
    const dataset = builder.getByRole('form', { name: 'Upload a dataset' });
    await dataset.getByLabel('Name', { exact: true }).fill('flowers');
    await dataset.getByRole('combobox', { name: /^Task/ }).selectOption('TABULAR_CLASSIFICATION');
    await dataset.getByLabel(/File/).setInputFiles(IRIS);
    await dataset.getByRole('button', { name: 'Upload and check' }).click();
    await builder.getByRole('status').getByText('flowers was stored: 150 rows, 5 columns.').waitFor();

    await builder.getByRole('link', { name: 'Train jobs' }).click();
    await builder.getByRole('link', { name: 'New train job' }).click();
    const job = builder.getByRole('form', { name: 'New train job' });
    await job.getByLabel('App').fill('flowers');
    await job.getByLabel('Training dataset').locator('option', { hasText: 'flowers' }).waitFor({ state: 'attached' });
    await job.getByLabel(/^my-softmax/).check();
    await job.getByLabel('Trials per template').fill('4');
    await job.getByRole('button', { name: 'Start train job' }).click();
    await builder.getByRole('heading', { name: 'flowers v1' }).waitFor();
    await builder.evaluate(() => Object.assign(window, { samePage: true }));
    const trials = builder.getByRole('table', { name: /^Trials of / }).getByRole('link');
    await waitUntil('the four trials in the open page', async () => (await trials.count()) === 4, 180_000);
    await builder.locator('.page-head').getByText('STOPPED').waitFor({ timeout: 120_000 });
    expect(await builder.evaluate(() => (window as unknown as { samePage?: boolean }).samePage)).toBe(true);
    await builder.getByRole('img', { name: /^Optimisation history: Best score [\d.]+ at .* of 4 trials\.$/ }).waitFor();
    await builder.getByRole('img', { name: /^Learning curves: 4 trials reported scores/ }).waitFor();
    await builder.getByRole('img', { name: /^Parallel coordinates: \d+ completed trials? of my-softmax across \d+ knobs/ }).waitFor();
    await screenshot(builder, 'journey-train-job');

    await trials.first().click();
    await builder.getByRole('heading', { name: /^my-softmax #\d+$/ }).waitFor();
    await builder.getByRole('table', { name: 'Knobs' }).getByRole('cell', { name: 'learningRate' }).waitFor();
    await builder.goBack();
    await builder.getByRole('heading', { name: 'flowers v1' }).waitFor();

    await builder.getByRole('link', { name: 'Inference jobs' }).click();
    const deploy = builder.getByRole('form', { name: 'Deploy a train job' });
    await deploy.getByLabel('Train job').selectOption({ label: 'flowers v1' });
    await deploy.getByRole('button', { name: 'Deploy' }).click();
    await builder.getByRole('heading', { name: 'Inference job: flowers v1' }).waitFor();
    await askSetosa(builder);

    // The app user starts at the models deployed for them, and queries one.
    const querier = await signIn(browser, t.admin.url, USERS[2][0], PASSWORD, 'Deployed models');
    expect(querier.url()).toEndWith('#/predictors');
    await querier.getByRole('table', { name: 'Deployed models you may query' }).getByRole('link', { name: 'flowers v1' }).click();
    await querier.getByRole('heading', { name: 'flowers v1' }).waitFor();
    await askSetosa(querier);
    await querier.getByText(/curl --http2-prior-knowledge http:\/\/127\.0\.0\.1:\d+\/predict/).waitFor();
    expect(await seriousViolations(querier)).toEqual([]);
    await screenshot(querier, 'journey-app-user');
    await querier.setViewportSize({ width: 390, height: 844 });
    await screenshot(querier, 'journey-app-user-phone');

    // Banned by the admin, the app user's next step returns them to sign-in with the reason.
    await admin.reload();
    admin.once('dialog', (dialog) => void dialog.accept());
    await admin.getByRole('button', { name: `Ban ${USERS[2][0]}` }).click();
    await admin.getByRole('row', { name: new RegExp(`^${USERS[2][0]}`) }).getByRole('button', { name: /^Ban/ }).waitFor({ state: 'detached' });
    await querier.getByRole('link', { name: 'Deployed models' }).click();
    await querier.getByRole('status').getByText(/You were signed out: .*banned/).waitFor();
    expect(querier.url()).toContain('#/sign-in?next=');

    expect(browser.offHost).toEqual([]);
  });
});
