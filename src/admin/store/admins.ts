/**
 * Admins sharing the database, each with a lease on the jobs it runs: a row it
 * keeps fresh. Jobs and services point at their Admin's row; deleting the row
 * frees them (the foreign keys set them to null), for whichever Admin claims them first.
 */
import type { Sql } from './database.ts';

export interface AdminRecord { id: string; hostname: string; pid: number }

export class AdminStore {
  constructor(private readonly sql: Sql) {}

  /** Registers a new Admin, or one that lost its row, under `id`. */
  async register(input: AdminRecord): Promise<void> {
    await this.sql`insert into admins (id, hostname, pid) values (${input.id}, ${input.hostname}, ${input.pid})
      on conflict (id) do update set heartbeat_at = now()`;
  }

  /** Renews the lease; false when the row is gone (another Admin found it expired). */
  async heartbeat(id: string): Promise<boolean> {
    return (await this.sql`update admins set heartbeat_at = now() where id = ${id} returning id`).length === 1;
  }

  /** Ends a lease; what it held is free from now on. */
  async release(id: string): Promise<void> {
    await this.sql`delete from admins where id = ${id}`;
  }

  /**
   * Deletes the rows of Admins that are gone: those whose heartbeat is older
   * than the lease, and those on this host whose process has ended (`alive` says).
   * The database's clock judges age, so hosts' clocks need not agree.
   */
  async expire(leaseSeconds: number, host: { hostname: string; alive(pid: number): boolean }): Promise<void> {
    await this.sql`delete from admins where heartbeat_at < now() - make_interval(secs => ${leaseSeconds})`;
    const local = await this.sql<AdminRecord[]>`select id, hostname, pid from admins where hostname = ${host.hostname}`;
    const dead = local.filter((a) => !host.alive(a.pid)).map((a) => a.id);
    if (dead.length > 0) await this.sql`delete from admins where id in ${this.sql(dead)}`;
  }
}
