/** `rafiki login`, `logout`, `whoami`: the login kept between commands (see credentials.ts). */
import { Command } from 'commander';
import { Client, RafikiClientError } from '../client/index.ts';
import { credentialsPath, currentLogin, readCredentials, removeCredentials, tokenExpiry, writeCredentials, type Credentials } from './credentials.ts';
import { EXIT } from './exit.ts';
import { print, when, withJson, type JsonFlag } from './output.ts';

const DEFAULT_ADMIN = 'http://localhost:3000';

interface LoginFlags extends JsonFlag {
  admin?: string;
  email: string;
  password?: string;
}

export function registerLogin(program: Command): void {
  withJson(program
    .command('login')
    .description('log in to a Rafiki Admin; the token is kept (mode 0600) for the other commands')
    .option('--admin <url>', `the Admin's URL (default: $RAFIKI_ADMIN_URL, else the last one logged in to, else ${DEFAULT_ADMIN})`)
    .requiredOption('--email <email>', 'your email address')
    .option('--password <password>', 'your password (default: $RAFIKI_PASSWORD, else asked for on the terminal)'))
    .action(async (flags: LoginFlags, command: Command) => {
      const adminUrl = flags.admin ?? process.env.RAFIKI_ADMIN_URL ?? previousAdmin() ?? DEFAULT_ADMIN;
      if (!URL.canParse(adminUrl) || !/^https?:$/.test(new URL(adminUrl).protocol)) {
        command.error(`error: the Admin's URL must start with http:// or https://, got ${adminUrl}`, { exitCode: EXIT.USAGE });
      }
      const password = flags.password ?? process.env.RAFIKI_PASSWORD ?? (process.stdin.isTTY ? await promptPassword(`password for ${flags.email}: `) : undefined);
      if (password === undefined) command.error('error: no password: pass --password, set RAFIKI_PASSWORD, or run on a terminal to be asked', { exitCode: EXIT.USAGE });
      const client = new Client({ adminUrl });
      let user;
      try {
        user = await client.login(flags.email, password);
      } catch (err) {
        // Said here so that a wrong password is not taken for an expired login.
        if (err instanceof RafikiClientError) throw new Error(`login failed: ${err.message}`);
        throw err;
      }
      const credentials: Credentials = { adminUrl, token: client.token!, user: { id: user.id, email: flags.email, userType: user.userType } };
      const path = writeCredentials(credentials);
      print(flags, session(credentials), (s) => `logged in to ${s.admin_url} as ${s.user.email} (${s.user.user_type}) until ${when(s.expires_at)}; login kept in ${path}`);
    });

  withJson(program.command('logout').description('forget the kept login'))
    .action((flags: JsonFlag) => {
      const path = credentialsPath();
      const removed = removeCredentials();
      print(flags, { logged_out: removed, path }, () => (removed ? `logged out (removed ${path})` : 'was not logged in'));
    });

  withJson(program.command('whoami').description('who the kept login acts as, on which Admin, until when'))
    .action((flags: JsonFlag) => {
      print(flags, session(currentLogin()), (s) => `${s.user.email} (${s.user.user_type}, id ${s.user.id}) on ${s.admin_url}, logged in until ${when(s.expires_at)}`);
    });
}

/** The login as shown to the user, in the Admin's snake_case like every other --json result; never the token. */
function session({ adminUrl, token, user }: Credentials) {
  return { admin_url: adminUrl, user: { id: user.id, email: user.email, user_type: user.userType }, expires_at: tokenExpiry(token)?.toISOString() ?? null };
}

function previousAdmin(): string | undefined {
  try {
    return readCredentials()?.adminUrl;
  } catch {
    return undefined;
  }
}

/** Reads a line from the terminal without echoing it. */
function promptPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  // Raw before the prompt shows, so that nothing typed after it is echoed.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let password = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish();
          return resolve(password);
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish();
          return reject(new Error('login cancelled'));
        }
        password = ch === '\u007f' || ch === '\b' ? password.slice(0, -1) : password + ch;
      }
    };
    stdin.on('data', onData);
  });
}
