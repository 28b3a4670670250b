/**
 * This Admin's lease on the jobs it runs, so that several Admins can share one
 * database (docs/design.md §8). A heartbeat keeps the lease; each beat also
 * frees what Admins that are gone held and claims it, so a job outlives the
 * Admin that ran it by about one lease. An Admin never takes a job whose
 * Admin is alive, and one that finds its own lease gone ends its work there.
 */
import { hostname } from 'node:os';
import type { Logger } from '../common/log.ts';
import { processAlive } from '../common/process-alive.ts';
import type { Store } from './store/store.ts';

export interface LeasedWork {
  /** Claims the jobs no Admin holds and runs them here. */
  claim(): Promise<void>;
  /** Follows what other Admins recorded about the jobs run here (a stop sent to them). */
  follow(): Promise<void>;
  /** The lease was lost, so another Admin may run these jobs now: ends the work here. */
  lose(): Promise<void>;
}

export interface LeaseOptions {
  id: string;
  seconds: number;
  /** Where a lost or failing lease is told. */
  log: Logger;
}

export class AdminLease {
  private readonly host = { hostname: hostname(), alive: processAlive };
  private timer: ReturnType<typeof setInterval> | undefined;
  private beat: Promise<void> = Promise.resolve();
  private failing = false;

  private work: LeasedWork | undefined;

  private constructor(private readonly store: Store, private readonly options: LeaseOptions) {}

  /** Registers the Admin, before it creates any job or service: they name it. */
  static async take(store: Store, options: LeaseOptions): Promise<AdminLease> {
    const lease = new AdminLease(store, options);
    await lease.register();
    return lease;
  }

  /** Runs the first beat, which claims the free jobs, then beats until released. */
  async keep(work: LeasedWork): Promise<void> {
    this.work = work;
    await this.renew();
    // Three beats per lease: one late or lost beat does not cost it.
    this.timer = setInterval(() => {
      this.beat = this.beat.then(() => this.renew().catch((error: unknown) => this.report(error)));
    }, (this.options.seconds * 1000) / 3);
    this.timer.unref();
  }

  /** Stops beating, lets `endWork` end what runs here (no beat claims more meanwhile), then frees what it held. */
  async release(endWork: () => Promise<void> = async () => {}): Promise<void> {
    clearInterval(this.timer);
    await this.beat;
    await endWork();
    await this.store.admins.release(this.options.id);
  }

  private register(): Promise<void> {
    return this.store.admins.register({ id: this.options.id, hostname: this.host.hostname, pid: process.pid });
  }

  private async renew(): Promise<void> {
    const work = this.work!;
    if (!(await this.store.admins.heartbeat(this.options.id))) {
      this.options.log.error('this Admin lost its lease (its heartbeat was late by more than RAFIKI_ADMIN_LEASE_SECONDS): its jobs are left to whichever Admin claims them');
      await work.lose();
      await this.register();
    }
    await this.store.admins.expire(this.options.seconds, this.host);
    await this.store.services.endOrphans('the Admin that started it stopped');
    await work.claim();
    await work.follow();
    if (this.failing) this.options.log.warn('the lease is renewed again');
    this.failing = false;
  }

  private report(error: unknown): void {
    if (!this.failing) this.options.log.error(`could not renew this Admin's lease (retrying every ${(this.options.seconds / 3).toFixed(1)} s)`, { error: (error as Error).message });
    this.failing = true;
  }
}
