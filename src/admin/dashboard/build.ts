/**
 * Builds the dashboard (src/dashboard) into static files with Bun's bundler:
 * index.html, one script and one stylesheet named by their content, so they can
 * be cached for good. `npm run build` makes them; the Admin builds them again at
 * its first page request when the sources are newer (a developer's edit).
 */
import { mkdirSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dir, '../../..');
export const DASHBOARD_SOURCES = join(ROOT, 'src/dashboard');
export const DASHBOARD_DIST = join(ROOT, 'dist/dashboard');
/** Browser code also comes from these (the SDK's fetch client, the domain types). */
const ALSO_BUNDLED = [join(ROOT, 'src/client'), join(ROOT, 'src/common')];

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

export function dashboardIsCurrent(outdir = DASHBOARD_DIST): boolean {
  const index = join(outdir, 'index.html');
  if (!existsSync(index)) return false;
  // Without the sources (an installed package) what was shipped is what there is.
  if (!existsSync(DASHBOARD_SOURCES)) return true;
  const built = statSync(index).mtimeMs;
  return [DASHBOARD_SOURCES, ...ALSO_BUNDLED].every((source) => newest(source) <= built);
}

export async function buildDashboard(outdir = DASHBOARD_DIST): Promise<string[]> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await Bun.build({
    entrypoints: [join(DASHBOARD_SOURCES, 'index.html')],
    outdir,
    minify: true,
    publicPath: '/dashboard/',
    naming: { entry: '[name].[ext]', chunk: '[name]-[hash].[ext]', asset: '[name]-[hash].[ext]' },
  });
  if (!result.success) throw new AggregateError(result.logs, `the dashboard did not build: ${result.logs.map((l) => l.message).join('; ')}`);
  return result.outputs.map((o) => o.path);
}
