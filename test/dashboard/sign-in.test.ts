/**
 * The dashboard in a real browser: served at `/` from local files, signing in and
 * out, an admin's users page, and a banned user sent back to sign-in.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { startTestAdmin, SUPERADMIN, type TestAdmin } from '../support/admin.ts';
import { browserProblem, openBrowser, screenshot, seriousViolations, submitSignIn, type TestBrowser } from '../support/browser.ts';

setDefaultTimeout(120_000);

describe.skipIf(browserProblem() !== null)('the dashboard', () => {
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

  test('`/` is the dashboard to a browser and JSON to an API client; it asks no other host for anything', async () => {
    const json = await fetch(`${t.admin.url}/`);
    expect(await json.json()).toMatchObject({ name: 'rafiki-admin', openapi: '/openapi' });
    const page = await browser.page();
    await page.goto(`${t.admin.url}/`);
    await expect(page.getByRole('heading', { name: 'Rafiki' }).isVisible()).resolves.toBe(true);
    expect(browser.offHost).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in');
  });

  test('the API reference at /openapi is rendered from local files alone', async () => {
    const page = await browser.page();
    await page.goto(`${t.admin.url}/openapi`);
    await page.getByText('/train_jobs/{app}/{app_version}/events').first().waitFor();
    await page.getByText('Rafiki Admin').first().waitFor();
    expect(browser.offHost).toEqual([]);
    await screenshot(page, 'api-reference');
  });

  test('a wrong password is told in the API\'s words; the superadmin signs in, creates users, and signs out', async () => {
    const page = await browser.page();
    await submitSignIn(page, t.admin.url, SUPERADMIN.email, 'not the password');
    await page.getByRole('alert').getByText('wrong email or password').waitFor();

    await page.getByLabel('Password').fill(SUPERADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    expect(page.url()).toEndWith('#/users');
    await page.getByRole('cell', { name: SUPERADMIN.email }).waitFor();

    const form = page.getByRole('form', { name: 'Create a user' });
    for (const [email, role] of [['modeller@example.com', 'MODEL_DEVELOPER'], ['builder@example.com', 'APP_DEVELOPER']] as const) {
      await form.getByLabel('Email').fill(email);
      await form.getByLabel('Password').fill('a long password');
      await form.getByLabel('Role').selectOption(role);
      await form.getByRole('button', { name: 'Create user' }).click();
      await page.getByRole('status').getByText(`${email} was created as ${role}.`).waitFor();
    }
    const emails = (await t.superadmin.getUsers()).map((u) => `${u.email} ${u.user_type}`);
    expect(emails).toContain('modeller@example.com MODEL_DEVELOPER');
    expect(emails).toContain('builder@example.com APP_DEVELOPER');

    // The same email again: the API's 409, shown where the form is.
    await form.getByLabel('Email').fill('builder@example.com');
    await form.getByLabel('Password').fill('a long password');
    await form.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('alert').getByText('a user with email builder@example.com already exists').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'users');

    // A deep link survives a reload: the tab keeps its session.
    await page.reload();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('status').getByText('You signed out.').waitFor();
    expect(page.url()).toEndWith('#/sign-in?next=%2Fusers');
  });

  test('a deep link opened while signed out leads there once signed in', async () => {
    const page = await browser.page();
    await page.goto(`${t.admin.url}/#/users`);
    await page.getByLabel('Email').fill(SUPERADMIN.email);
    await page.getByLabel('Password').fill(SUPERADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    expect(page.url()).toEndWith('#/users');
  });

  test("a user banned while signed in is sent back to sign-in with the reason, on a phone's screen", async () => {
    await t.superadmin.createUser({ email: 'admin2@example.com', password: 'a long password', userType: 'ADMIN' });
    const page = await browser.page({ width: 390, height: 844 });
    await submitSignIn(page, t.admin.url, 'admin2@example.com', 'a long password');
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await screenshot(page, 'users-phone');
    await t.superadmin.banUser('admin2@example.com');
    await page.reload();
    await page.getByRole('status').getByText(/You were signed out: .*banned/).waitFor();
    expect(page.url()).toEndWith('#/sign-in?next=%2Fusers');
  });
});
