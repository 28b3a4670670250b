/**
 * A real browser for the dashboard's tests: Debian's Chromium, headless, driven
 * by playwright-core. Every request to a host other than this machine is
 * refused and remembered, so a test can say the page needed no other host.
 * Screenshots go to test-results/screenshots (kept out of git).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './processes.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-results/screenshots');

/** Why the browser tests cannot run here, or null. In CI (`CI` set) they must: the reason is then a failure, not a skip. */
export function browserProblem(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const reason = `no Chromium at ${CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM_PATH)`;
  if (process.env.CI) throw new Error(reason);
  return reason;
}

export interface TestBrowser {
  browser: Browser;
  /** A fresh tab with its own storage, 1280×800 unless said otherwise. */
  page(viewport?: { width: number; height: number }): Promise<Page>;
  /** Requests the pages tried to send to other hosts (all refused). */
  offHost: string[];
  close(): Promise<void>;
}

const LOCAL = new Set(['127.0.0.1', 'localhost', '[::1]']);

export async function openBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const contexts: BrowserContext[] = [];
  const offHost: string[] = [];
  return {
    browser,
    offHost,
    async page(viewport = { width: 1280, height: 800 }) {
      const context = await browser.newContext({ viewport });
      contexts.push(context);
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.protocol === 'data:' || url.protocol === 'blob:' || LOCAL.has(url.hostname)) return route.continue();
        offHost.push(url.href);
        return route.abort('blockedbyclient');
      });
      return context.newPage();
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
    },
  };
}

/** Fills the sign-in form at `adminUrl` and sends it; the caller waits for what should follow. */
export async function submitSignIn(page: Page, adminUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${adminUrl}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

/** axe-core run in the page: the violations rated serious or critical. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated by the browser's debugging protocol: the page's CSP (no inline script) stays in force.
  await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
