/** What every Admin route can reach: the store, the token issuer, the settings. */
import { Elysia } from 'elysia';
import type { Config } from '../common/config.ts';
import type { Logger } from '../common/log.ts';
import type { TokenIssuer } from './auth/tokens.ts';
import type { BlobStore } from './files/blob-store.ts';
import type { ServicesManager } from './services/manager.ts';
import type { TemplateFiles } from './services/template-files.ts';
import type { TrainingManager } from './training/manager.ts';
import type { InferenceManager } from './inference/manager.ts';
import type { JobTransitions } from './jobs/transitions.ts';
import type { AdminMetrics } from './metrics.ts';
import type { Advisor } from '../advisor/client.ts';
import type { Store } from './store/store.ts';

export interface AdminDeps {
  /** This Admin's id: the jobs and services it creates are its own to run (src/admin/lease.ts). */
  adminId: string;
  store: Store;
  tokens: TokenIssuer;
  config: Config;
  /** Dataset files, by content. */
  blobs: BlobStore;
  /** Template code and its installed dependencies, for the subprocesses that run it. */
  templates: TemplateFiles;
  advisor: Advisor;
  services: ServicesManager;
  training: TrainingManager;
  inference: InferenceManager;
  /** Every status change of a job or a trial is written through it. */
  transitions: JobTransitions;
  /** The Admin's JSON-lines log (RAFIKI_LOG_LEVEL). */
  log: Logger;
  metrics: AdminMetrics;
}

export const adminContext = (deps: AdminDeps) => new Elysia({ name: 'rafiki.admin-context', seed: deps }).decorate('deps', deps);
