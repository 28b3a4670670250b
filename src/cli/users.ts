/** `rafiki users`: create, list and ban users (admins only). */
import { Command, Option } from 'commander';
import { USER_TYPES, type UserType } from '../common/domain.ts';
import { loggedInClient } from './credentials.ts';
import { print, when, withJson, type JsonFlag } from './output.ts';
import { details, table } from './table.ts';

export function registerUsers(program: Command): void {
  const users = program.command('users').description('manage users (admins only)');

  withJson(users
    .command('create')
    .description('create a user; only a superadmin creates admins')
    .requiredOption('--email <email>', "the user's email address")
    .requiredOption('--password <password>', 'their first password (8 characters or more)')
    .addOption(new Option('--type <type>', 'their role').choices(USER_TYPES).makeOptionMandatory()))
    .action(async (flags: JsonFlag & { email: string; password: string; type: UserType }) => {
      const user = await loggedInClient().createUser({ email: flags.email, password: flags.password, userType: flags.type });
      print(flags, user, (u) => `created user ${u.email} (${u.user_type})\n${details([['id', u.id], ['created', when(u.created_date)]])}`);
    });

  withJson(users.command('list').description('list users, banned ones included'))
    .action(async (flags: JsonFlag) => {
      const list = await loggedInClient().getUsers();
      print(flags, list, (rows) => table(rows, [
        { header: 'email', value: (u) => u.email },
        { header: 'type', value: (u) => u.user_type },
        { header: 'created', value: (u) => when(u.created_date) },
        { header: 'banned', value: (u) => (u.banned_date ? when(u.banned_date) : '') },
        { header: 'id', value: (u) => u.id },
      ]));
    });

  withJson(users.command('ban').description('ban a user: their logins and tokens stop working').argument('<email>', "the user's email address"))
    .action(async (email: string, flags: JsonFlag) => {
      const user = await loggedInClient().banUser(email);
      print(flags, user, (u) => `banned ${u.email} (${u.user_type}) at ${when(u.banned_date)}`);
    });
}
