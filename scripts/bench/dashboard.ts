/**
 * Dashboard bench (issue 14): the two figures of a train job's page, in headless
 * Chromium, on a throwaway Admin (embedded PGlite).
 *
 * A job of `--trials` TinyCentroid trials on iris (`--workers` workers) runs with
 * its page open, and a MutationObserver in the page notes when each trial's row
 * first shows the trial ended; against the trial's stopped time in the store,
 * that is the time from a trial's end to its row in an open page (the feed polls
 * the store every 250 ms). Trials that started before the page had its stream
 * open are left out; an SDK client of the same feed, in this process, is timed beside it.
 * Then the finished job's page is loaded `--loads` times: the first
 * meaningful paint is the time from the start of navigation to the frame in
 * which the trials table has every trial's row, the optimisation history and
 * the learning curves are drawn (their canvases), and the parallel coordinates
 * have their lines. Targets: < 1 s each. The assets' size (gzip) is printed too,
 * and the page is saved as test-results/screenshots/train-job-bench.png.
 *
 *   bun scripts/bench/dashboard.ts                  # 200 trials, 4 workers, 5 loads (~1–2 min)
 *   bun scripts/bench/dashboard.ts --trials 50 --loads 3
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { buildDashboard } from '../../src/admin/dashboard/build.ts';
import { Client } from '../../src/client/index.ts';
import { startTestAdmin } from '../../test/support/admin.ts';
import { openBrowser, screenshot, SCREENSHOTS } from '../../test/support/browser.ts';
import { bundleTemplate } from '../../test/support/services.ts';
import { finished, IRIS, TASK, TINY } from '../../test/support/train-jobs.ts';
import { waitUntil } from '../../test/support/wait.ts';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '200' },
    workers: { type: 'string', default: '4' },
    loads: { type: 'string', default: '5' },
  },
});
const TRIALS = Number(args.trials);
const WORKERS = Number(args.workers);
const LOADS = Number(args.loads);
const DEV = { email: 'bench@example.com', password: 'a long password' };
const APP = 'bench';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
const ms = (value: number) => `${Math.round(value)} ms`;

const outputs = await buildDashboard();
const gzip = outputs.reduce((sum, path) => sum + gzipSync(readFileSync(path)).byteLength, 0);

const t = await startTestAdmin('embedded');
const browser = await openBrowser();
try {
  await t.superadmin.createUser({ ...DEV, userType: 'APP_DEVELOPER' });
  const tiny = await t.superadmin.createModel({ name: 'tiny', task: TASK, file: await bundleTemplate(TINY), modelClass: 'TinyCentroid', accessRight: 'PUBLIC' });
  const dev = new Client({ adminUrl: t.admin.url });
  await dev.login(DEV.email, DEV.password);
  const iris = await dev.createDataset({ name: 'iris', task: TASK, file: IRIS });

  const page = await browser.page();
  // Before any of the page's scripts: every row's first sight of its trial, and of its trial ended (the browser's clock).
  await page.addInitScript(() => {
    const ended = new Set(['COMPLETED', 'TERMINATED', 'ERRORED']);
    const rows = { started: {} as Record<string, number>, ended: {} as Record<string, number>, longTasks: [] as number[] };
    Object.assign(window, { benchRows: rows });
    new PerformanceObserver((list) => rows.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    new MutationObserver(() => {
      const now = Date.now();
      for (const row of Array.from(document.querySelectorAll('table tbody tr'))) {
        const id = row.querySelector('a[href^="#/trials/"]')?.getAttribute('href')?.slice('#/trials/'.length);
        if (!id) continue;
        rows.started[id] ??= now;
        if (rows.ended[id] === undefined && ended.has(row.querySelector('.status')?.textContent ?? '')) rows.ended[id] = now;
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(`${t.admin.url}/`);
  await page.getByLabel('Email').fill(DEV.email);
  await page.getByLabel('Password').fill(DEV.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Train jobs' }).waitFor();

  const began = Date.now();
  await dev.createTrainJob({
    app: APP, task: TASK, trainDatasetId: iris.id, valDatasetId: iris.id, modelIds: [tiny.id],
    budget: { MODEL_TRIAL_COUNT: TRIALS, WORKER_COUNT: WORKERS, TIME_HOURS: 1 },
  });
  await page.evaluate((path) => (location.hash = path), `#/train-jobs/${APP}/1`);
  const opened = Date.now();
  // The same changes as an SDK client sees them (in this process, beside the Admin): what the page adds over the feed.
  const fed = new Map<string, number>();
  const watching = (async () => {
    for await (const change of dev.watchTrainJob(APP, 1)) {
      if (change.event !== 'trials') continue;
      for (const trial of change.data) if (trial.datetime_stopped && !fed.has(trial.id)) fed.set(trial.id, Date.now());
    }
  })();
  const job = await finished(dev, APP);
  await watching;
  const trials = await dev.getTrials(APP);
  console.log(`job: ${trials.length} trials in ${((Date.parse(job.datetime_stopped!) - began) / 1000).toFixed(1)} s with ${WORKERS} workers (${job.status})`);

  type Rows = { started: Record<string, number>; ended: Record<string, number>; longTasks: number[] };
  const seen = await waitUntil('every ended trial in the open page', async () => {
    const rows = await page.evaluate(() => (window as unknown as { benchRows: Rows }).benchRows);
    return trials.every((trial) => rows.ended[trial.id] !== undefined) ? rows : null;
  }, 30_000);
  // Trials that started before the page had its stream open would only measure the stream's opening.
  const live = trials.filter((trial) => Date.parse(trial.datetime_started) > opened + 1_000);
  const endToRow = live.map((trial) => seen.ended[trial.id]! - Date.parse(trial.datetime_stopped!));
  const endToFeed = live.map((trial) => fed.get(trial.id)! - Date.parse(trial.datetime_stopped!));
  const startToRow = live.map((trial) => seen.started[trial.id]! - Date.parse(trial.datetime_started));

  const loads: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    await page.reload({ waitUntil: 'commit' });
    loads.push(await page.evaluate((count) => new Promise<number>((resolve) => {
      const ready = () => document.querySelectorAll('table tbody tr a[href^="#/trials/"]').length >= count
        && document.querySelectorAll('figure canvas').length >= 2
        && document.querySelectorAll('svg.parallel polyline').length > 0;
      const check = () => (ready() ? resolve(performance.now()) : requestAnimationFrame(check));
      check();
    }), trials.length));
  }

  await screenshot(page, 'train-job-bench');
  console.log(`first meaningful paint of the job page with ${trials.length} trials (table full, history and learning curves drawn, parallel coordinates lined), ${LOADS} loads: median ${ms(median(loads))} (${loads.map(ms).join(', ')}); target < 1000 ms`);
  console.log(`a trial's end (stopped time in the store) to its row showing it in an open page, ${endToRow.length} trials: median ${ms(median(endToRow))}, p90 ${ms(quantile(endToRow, 0.9))}, max ${ms(Math.max(...endToRow))}; target < 1000 ms`);
  console.log(`the same to an SDK client of the feed (GET …/events) in the Admin's process: median ${ms(median(endToFeed))}, p90 ${ms(quantile(endToFeed, 0.9))}`);
  console.log(`a trial's start to its row in an open page: median ${ms(median(startToRow))}, p90 ${ms(quantile(startToRow, 0.9))}`);
  const busy = seen.longTasks.reduce((sum, d) => sum + d, 0);
  console.log(`the open page while the job ran: ${seen.longTasks.length} tasks over 50 ms, ${ms(busy)} in all, the longest ${ms(Math.max(0, ...seen.longTasks))}`);
  console.log(`dashboard assets: ${(gzip / 1024).toFixed(1)} kB gzip; the page: ${SCREENSHOTS}/train-job-bench.png`);
} finally {
  await browser.close();
  await t.dispose();
}
