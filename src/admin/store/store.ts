/**
 * The metadata store: one object per entity over the same postgres.js connection,
 * whether that reaches a Postgres server or the embedded PGlite.
 */
import { AdminStore } from './admins.ts';
import { CountStore } from './counts.ts';
import { openDatabase, type Database, type OpenDatabaseOptions } from './database.ts';
import { DatasetStore } from './datasets.ts';
import { InferenceJobStore } from './inference-jobs.ts';
import { ModelStore } from './models.ts';
import { ServiceStore } from './services.ts';
import { TrainJobStore } from './train-jobs.ts';
import { TrialStore } from './trials.ts';
import { UserStore } from './users.ts';

export class Store {
  readonly admins: AdminStore;
  readonly users: UserStore;
  readonly models: ModelStore;
  readonly datasets: DatasetStore;
  readonly trainJobs: TrainJobStore;
  readonly trials: TrialStore;
  readonly services: ServiceStore;
  readonly inferenceJobs: InferenceJobStore;
  readonly counts: CountStore;

  constructor(readonly db: Database) {
    this.admins = new AdminStore(db.sql);
    this.users = new UserStore(db.sql);
    this.models = new ModelStore(db.sql);
    this.datasets = new DatasetStore(db.sql);
    this.trainJobs = new TrainJobStore(db.sql);
    this.trials = new TrialStore(db.sql);
    this.services = new ServiceStore(db.sql);
    this.inferenceJobs = new InferenceJobStore(db.sql);
    this.counts = new CountStore(db.sql);
  }

  get kind(): Database['kind'] {
    return this.db.kind;
  }

  /** True when a trivial query answers. */
  async healthy(): Promise<boolean> {
    try {
      await this.db.sql`select 1`;
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

export async function openStore(options: OpenDatabaseOptions): Promise<Store> {
  return new Store(await openDatabase(options));
}
