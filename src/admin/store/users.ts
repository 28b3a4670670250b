/** Users and their credentials. Emails are kept lower-case, so they match whatever the case typed. */
import type { UserType } from '../../common/domain.ts';
import type { Sql } from './database.ts';

export interface User {
  id: string;
  email: string;
  userType: UserType;
  createdAt: Date;
  bannedAt: Date | null;
}

interface UserRow {
  id: string;
  email: string;
  user_type: UserType;
  created_at: Date;
  banned_at: Date | null;
  password_hash: string;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  userType: row.user_type,
  createdAt: row.created_at,
  bannedAt: row.banned_at,
});

export class UserStore {
  constructor(private readonly sql: Sql) {}

  /** Returns null when the email is taken. */
  async create(input: { email: string; passwordHash: string; userType: UserType }): Promise<User | null> {
    const [row] = await this.sql<UserRow[]>`
      insert into users (email, password_hash, user_type)
      values (${input.email.toLowerCase()}, ${input.passwordHash}, ${input.userType})
      on conflict (email) do nothing
      returning *`;
    return row ? toUser(row) : null;
  }

  async byId(id: string): Promise<User | null> {
    const [row] = await this.sql<UserRow[]>`select * from users where id = ${id}`;
    return row ? toUser(row) : null;
  }

  /** The user with the stored password hash, for logging in. */
  async credentials(email: string): Promise<{ user: User; passwordHash: string } | null> {
    const [row] = await this.sql<UserRow[]>`select * from users where email = ${email.toLowerCase()}`;
    return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
  }

  async byEmail(email: string): Promise<User | null> {
    return (await this.credentials(email))?.user ?? null;
  }

  async list(): Promise<User[]> {
    return (await this.sql<UserRow[]>`select * from users order by created_at, email`).map(toUser);
  }

  async count(): Promise<number> {
    const [row] = await this.sql<{ n: number }[]>`select count(*)::int as n from users`;
    return row?.n ?? 0;
  }

  /** The ids of users banned after `since`: those whose tokens may still be unexpired. */
  async bannedSince(since: Date): Promise<string[]> {
    return (await this.sql<{ id: string }[]>`select id from users where banned_at > ${since}`).map((r) => r.id);
  }

  /** Returns the banned user, or null when there was no such unbanned user. */
  async ban(id: string): Promise<User | null> {
    const [row] = await this.sql<UserRow[]>`
      update users set banned_at = now() where id = ${id} and banned_at is null returning *`;
    return row ? toUser(row) : null;
  }
}
