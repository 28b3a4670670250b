/** The client SDK from Node.js (the build in dist/client: `npm run build`, which `npm install` runs), against a real Admin. */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SUPERADMIN, startTestAdmin, type TestAdmin } from './support/admin.ts';
import { ROOT } from './support/processes.ts';

setDefaultTimeout(120_000);

let t: TestAdmin;
beforeAll(async () => {
  // `bun install` may not run the prepare step that `npm install` does; build as a user would.
  const build = Bun.spawn([process.execPath, 'run', 'build'], { cwd: ROOT, stdout: 'ignore', stderr: 'pipe' });
  expect(await build.exited).toBe(0);
  t = await startTestAdmin('embedded');
});
afterAll(() => t.dispose());

test('node imports rafiki/client, logs in, lists users, and gets typed errors', async () => {
  expect(existsSync(join(ROOT, 'dist/client/index.js'))).toBe(true);
  const script = `
    const { Client, RafikiClientError } = await import('rafiki/client');
    const client = new Client({ adminUrl: process.env.ADMIN_URL });
    const me = await client.login(process.env.EMAIL, process.env.PASSWORD);
    const users = await client.getUsers();
    let error;
    try { await client.banUser(process.env.EMAIL); } catch (e) { error = e; }
    console.log(JSON.stringify({ type: me.userType, emails: users.map((u) => u.email), typed: error instanceof RafikiClientError, status: error.status }));
  `;
  const node = Bun.spawn(['node', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, ADMIN_URL: t.admin.url, EMAIL: SUPERADMIN.email, PASSWORD: SUPERADMIN.password },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, code] = await Promise.all([new Response(node.stdout).text(), new Response(node.stderr).text(), node.exited]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(JSON.parse(stdout)).toEqual({ type: 'SUPERADMIN', emails: ['superadmin@rafiki'], typed: true, status: 403 });
});
