/**
 * A Redis user per inference job, allowed only its job's keys
 * (`rafiki:<jobId>:*`, the prefix of its streams and answer lists) and the
 * stream and list commands its queue uses. A job's frontends and queue workers
 * are given its credentials, never the Admin's, so that a process of one job,
 * or a template beside it where no sandbox stands between them (a pod), cannot
 * read or write another job's queries.
 *
 * @example
 * const users = new JobRedisUsers('redis://127.0.0.1:6379', log);
 * const url = await users.grant(job.id);   // redis://rafiki-job-<id>:<password>@127.0.0.1:6379
 * await users.revoke(job.id);
 */
import { RedisClient } from 'bun';
import type { Logger } from '../../common/log.ts';

/** What the queue sends (src/frontend/queue/redis-tcp-store.ts), and the connection's own commands (HELLO, AUTH, PING, SELECT). */
const COMMANDS = ['+@stream', '+@list', '+pexpire', '+@connection', '+select', '-@dangerous'];

const userOf = (jobId: string) => `rafiki-job-${jobId}`;

export class JobRedisUsers {
  private warned = false;

  constructor(private readonly url: string, private readonly log: Logger) {}

  /**
   * The Redis address with the job's own user, made (or made again, with a new
   * password) now. Where users cannot be made (a Redis before 6, an Admin's
   * user without ACL rights, Upstash's REST protocol) it is the Admin's
   * address, with a warning the first time.
   */
  async grant(jobId: string): Promise<string> {
    if (!/^rediss?:/.test(this.url)) return this.url;
    const password = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('hex');
    try {
      await this.run(['SETUSER', userOf(jobId), 'reset', 'on', `>${password}`, 'resetchannels', `~rafiki:${jobId}:*`, ...COMMANDS]);
    } catch (error) {
      if (!this.warned) this.log.warn("Redis did not make a user for an inference job: its frontends and workers use the Admin's Redis user", { error: (error as Error).message });
      this.warned = true;
      return this.url;
    }
    const url = new URL(this.url);
    url.username = userOf(jobId);
    url.password = password;
    return url.toString();
  }

  /** Deletes the job's user, closing its connections; best effort, as a job ends whatever Redis says. */
  async revoke(jobId: string): Promise<void> {
    if (!/^rediss?:/.test(this.url)) return;
    await this.run(['DELUSER', userOf(jobId)]).catch(() => {});
  }

  private async run(args: string[]): Promise<void> {
    const client = new RedisClient(this.url, { autoReconnect: false, enableOfflineQueue: false, connectionTimeout: 2000 });
    try {
      await client.connect();
      await client.send('ACL', args);
    } finally {
      client.close();
    }
  }
}
