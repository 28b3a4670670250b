import { expect, test } from 'bun:test';
import { routeMatcher, UNMATCHED } from './request-log.ts';

test("a path is counted under its route's pattern; fixed paths first; unknown paths as one label", () => {
  const routeOf = routeMatcher([
    { path: '/train_jobs' }, { path: '/train_jobs/:app' }, { path: '/train_jobs/:app/:app_version' },
    { path: '/train_jobs/:app/:app_version/stop' }, { path: '/models/available' }, { path: '/models/:id' }, { path: '/assets/*' }, { path: '/a.b' },
  ]);
  expect(routeOf('/train_jobs')).toBe('/train_jobs');
  expect(routeOf('/train_jobs/iris')).toBe('/train_jobs/:app');
  expect(routeOf('/train_jobs/iris/-1')).toBe('/train_jobs/:app/:app_version');
  expect(routeOf('/train_jobs/iris/2/stop')).toBe('/train_jobs/:app/:app_version/stop');
  expect(routeOf('/models/available')).toBe('/models/available');
  expect(routeOf('/models/3f2a')).toBe('/models/:id');
  expect(routeOf('/assets/app.js')).toBe('/assets/*');
  expect(routeOf('/aXb')).toBe(UNMATCHED);
  expect(routeOf('/train_jobs/iris/2/stop/now')).toBe(UNMATCHED);
});
