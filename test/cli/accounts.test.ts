/** `rafiki login`, `logout`, `whoami`, `users`: against a real Admin, in subprocesses. */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPERADMIN, startTestAdmin, type TestAdmin } from '../support/admin.ts';
import { cli, type Cli } from './support.ts';

setDefaultTimeout(120_000);

let t: TestAdmin;
let rafiki: Cli;
beforeAll(async () => {
  t = await startTestAdmin('embedded');
  rafiki = cli();
});
afterAll(async () => {
  rafiki.dispose();
  await t.dispose();
});

const fakeToken = (claims: object) => ['{"alg":"HS256"}', JSON.stringify(claims)].map((part) => Buffer.from(part).toString('base64url')).join('.') + '.c2ln';

describe('rafiki login, whoami, logout', () => {
  test('a missing login, a wrong password and a missing password are told apart', async () => {
    const whoami = await rafiki.run(['whoami']);
    expect(whoami.stderr).toContain('not logged in: run `rafiki login --email you@example.com` first');
    expect(whoami.code).toBe(1);

    const wrong = await rafiki.run(['login', '--admin', t.admin.url, '--email', SUPERADMIN.email, '--password', 'not-the-password']);
    expect(wrong.stderr).toContain('login failed: wrong email or password');
    expect(wrong.stderr).not.toContain('rafiki login` again');
    expect(wrong.code).toBe(1);

    const noPassword = await rafiki.run(['login', '--admin', t.admin.url, '--email', SUPERADMIN.email]);
    expect(noPassword.stderr).toContain('no password: pass --password, set RAFIKI_PASSWORD, or run on a terminal');
    expect(noPassword.code).toBe(2);

    const badUrl = await rafiki.run(['login', '--admin', 'localhost:3000', '--email', SUPERADMIN.email, '--password', 'x']);
    expect(badUrl.stderr).toContain("the Admin's URL must start with http:// or https://, got localhost:3000");
    expect(badUrl.code).toBe(2);
    expect(existsSync(join(rafiki.dir, 'credentials.json'))).toBe(false);

    const unreachable = await rafiki.run(['login', '--admin', 'http://127.0.0.1:1', '--email', SUPERADMIN.email, '--password', 'x']);
    expect(unreachable.stderr).toContain('cannot reach the Admin at http://127.0.0.1:1');
    expect(unreachable.code).toBe(1);
  });

  test('login with RAFIKI_PASSWORD keeps the token in a 0600 file; whoami reads it; logout removes it', async () => {
    const login = await rafiki.run(['login', '--admin', t.admin.url, '--email', SUPERADMIN.email, '--json'], { RAFIKI_PASSWORD: SUPERADMIN.password });
    expect(login.code).toBe(0);
    expect(login.json).toMatchObject({ admin_url: t.admin.url, user: { email: SUPERADMIN.email, user_type: 'SUPERADMIN' } });
    expect(login.json.token).toBeUndefined();
    expect(Date.parse(login.json.expires_at)).toBeGreaterThan(Date.now());

    const file = join(rafiki.dir, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const kept = await Bun.file(file).json();
    expect(kept).toMatchObject({ adminUrl: t.admin.url, user: { email: SUPERADMIN.email, userType: 'SUPERADMIN' } });
    expect(kept.token.split('.')).toHaveLength(3);

    const whoami = await rafiki.run(['whoami']);
    expect(whoami.stdout).toContain(`superadmin@rafiki (SUPERADMIN, id ${login.json.user.id}) on ${t.admin.url}`);
    expect((await rafiki.run(['whoami', '--json'])).json).toEqual(login.json);

    const logout = await rafiki.run(['logout', '--json']);
    expect(logout.json).toEqual({ logged_out: true, path: file });
    expect(existsSync(file)).toBe(false);
    expect((await rafiki.run(['whoami'])).code).toBe(1);
    expect((await rafiki.run(['logout'])).stdout).toBe('was not logged in\n');
  });

  test('on a terminal, login asks for the password without echoing it', async () => {
    const { code, output } = await rafiki.runOnTty(['login', '--admin', t.admin.url, '--email', SUPERADMIN.email], { after: 'password for superadmin@rafiki: ', type: `${SUPERADMIN.password}\r` });
    expect(code).toBe(0);
    expect(output).toContain(`logged in to ${t.admin.url} as superadmin@rafiki (SUPERADMIN)`);
    expect(output).not.toContain(SUPERADMIN.password);
  });

  test('an expired or refused login says to run `rafiki login` again', async () => {
    const file = join(rafiki.dir, 'credentials.json');
    const user = { id: 'x', email: SUPERADMIN.email, userType: 'SUPERADMIN' };
    writeFileSync(file, JSON.stringify({ adminUrl: t.admin.url, token: fakeToken({ sub: 'x', exp: 1_000_000_000 }), user }));
    const expired = await rafiki.run(['users', 'list']);
    expect(expired.stderr).toContain(`your login to ${t.admin.url} expired at 2001-09-09T01:46:40.000Z: run \`rafiki login\` again`);
    expect(expired.code).toBe(1);

    // A token the Admin refuses (here: forged) although it has not expired.
    writeFileSync(file, JSON.stringify({ adminUrl: t.admin.url, token: fakeToken({ sub: 'x', exp: 4_000_000_000 }), user }));
    const refused = await rafiki.run(['datasets', 'list']);
    expect(refused.stderr).toContain('rafiki: invalid token: log in again');
    expect(refused.stderr).toContain('your login is no longer accepted: run `rafiki login` again');
    expect(refused.code).toBe(1);

    writeFileSync(file, 'not json');
    const damaged = await rafiki.run(['models', 'list']);
    expect(damaged.stderr).toContain('is unreadable: run `rafiki login` again');
    expect(damaged.code).toBe(1);
  });
});

describe('rafiki users', () => {
  test('create, list, ban: JSON results, the server message on failure, usage on bad arguments', async () => {
    expect((await rafiki.run(['login', '--admin', t.admin.url, '--email', SUPERADMIN.email, '--password', SUPERADMIN.password])).code).toBe(0);

    const created = await rafiki.run(['users', 'create', '--email', 'dev@example.com', '--password', 'dev-password', '--type', 'APP_DEVELOPER', '--json']);
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({ email: 'dev@example.com', user_type: 'APP_DEVELOPER', banned_date: null });

    const again = await rafiki.run(['users', 'create', '--email', 'dev@example.com', '--password', 'dev-password', '--type', 'APP_DEVELOPER']);
    expect(again.stderr).toContain('rafiki: a user with email dev@example.com already exists');
    expect(again.code).toBe(1);

    const list = await rafiki.run(['users', 'list', '--json']);
    expect(list.json.map((u: { email: string }) => u.email).sort()).toEqual(['dev@example.com', SUPERADMIN.email]);
    const text = await rafiki.run(['users', 'list']);
    expect(text.stdout.split('\n')[0]).toMatch(/^EMAIL +TYPE +CREATED +BANNED +ID$/);
    expect(text.stdout).toMatch(/dev@example\.com +APP_DEVELOPER /);

    const banned = await rafiki.run(['users', 'ban', 'dev@example.com', '--json']);
    expect(banned.code).toBe(0);
    expect(banned.json.banned_date).not.toBeNull();
    const other = cli();
    const loginBanned = await other.run(['login', '--admin', t.admin.url, '--email', 'dev@example.com', '--password', 'dev-password']);
    other.dispose();
    expect(loginBanned.stderr).toContain('login failed: wrong email or password');
    expect(loginBanned.code).toBe(1);

    const usage: [string[], string][] = [
      [['users', 'create', '--email', 'a@b.c', '--password', 'long-enough', '--type', 'BOSS'], "option '--type <type>' argument 'BOSS' is invalid. Allowed choices are SUPERADMIN, ADMIN"],
      [['users', 'create', '--email', 'a@b.c', '--type', 'ADMIN'], "required option '--password <password>' not specified"],
      [['users', 'ban'], "missing required argument 'email'"],
      [['users', 'promote'], "unknown command 'promote'"],
    ];
    for (const [args, message] of usage) {
      const run = await rafiki.run(args);
      expect(run.stderr).toContain(message);
      expect(run.code).toBe(2);
    }
  });

  test('--help on a command group and on a command', async () => {
    const help = await rafiki.run(['users', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: rafiki users create --email <email> --password <password> --type <type> [options]');
    expect(help.stdout).toContain('--json');
    const group = await rafiki.run(['users']);
    expect(group.stderr).toContain('Usage: rafiki users [options] [command]');
    expect(group.code).toBe(2);
  });
});
