/**
 * The Admin process: opens the store, creates the superadmin on first start,
 * takes its lease, serves the API and runs the jobs its lease claims. `stop()`
 * ends the listener, the jobs' processes, the lease, then the store.
 */
import type { Config } from '../common/config.ts';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createAdminApp } from './app.ts';
import { noteAddress } from './client-address.ts';
import { signingKeys } from './auth/secrets.ts';
import { TokenIssuer } from './auth/tokens.ts';
import { ensureSuperadmin, type SuperadminOutcome } from './bootstrap.ts';
import { ensureBuiltinModels } from './builtin-models.ts';
import { AdminLease } from './lease.ts';
import { BlobStore } from './files/blob-store.ts';
import { httpAdvisor, localAdvisor } from '../advisor/client.ts';
import { SessionStore } from '../advisor/sessions.ts';
import { installLimits, trainWorkerLimits } from './services/limits.ts';
import { ServicesManager } from './services/manager.ts';
import { openServices, type OpenServices } from './services/open-services.ts';
import { chooseSandbox } from '../common/services/choose-sandbox.ts';
import { TemplateFiles } from './services/template-files.ts';
import { TrainingManager } from './training/manager.ts';
import { InferenceManager } from './inference/manager.ts';
import { JobTransitions } from './jobs/transitions.ts';
import { jsonLogger } from '../common/log.ts';
import { adminMetrics } from './metrics.ts';
import { observeRequests } from './request-log.ts';
import { logTransitions } from './transition-log.ts';
import { openStore, type Store } from './store/store.ts';

export interface RunningAdmin {
  url: string;
  port: number;
  /** Its row in `admins`, which the jobs it runs point at. */
  adminId: string;
  store: Store;
  superadmin: SuperadminOutcome;
  training: TrainingManager;
  /** The process port's address (RAFIKI_SERVICES=agents): what agents and remote runners are given. */
  processUrl?: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where the log's lines go (each ends with a newline); stdout by default. */
  writeLog?: (line: string) => void;
}

/**
 * @example
 * const admin = await startAdmin(loadConfig());
 * console.log(admin.url);
 * await admin.stop();
 */
export async function startAdmin(config: Config, { writeLog }: StartOptions = {}): Promise<RunningAdmin> {
  // What the Admin writes (the database, keys, datasets, deployments) is its user's alone: files 0600, folders 0700.
  process.umask(0o077);
  const log = jsonLogger({ level: config.logLevel, ...(writeLog ? { write: writeLog } : {}) });
  const sandbox = await chooseSandbox(config.sandbox);
  const store = await openStore({ url: config.databaseUrl, dataDir: config.dataDir });
  let lease: AdminLease | undefined;
  let placement: OpenServices | undefined;
  try {
    const superadmin = await ensureSuperadmin(store, config);
    const adminId = randomUUID();
    lease = await AdminLease.take(store, { id: adminId, seconds: config.adminLeaseSeconds, log });
    const tokens = await TokenIssuer.create(signingKeys(config.dataDir, config.jwtPrivateKey), config.tokenTtlSeconds);
    const blobs = new BlobStore(join(config.dataDir, 'datasets'));
    placement = await openServices(config, sandbox, tokens);
    const services = new ServicesManager(placement.services, store.services, { host: config.publicHost, adminId });
    const templates = new TemplateFiles(join(config.dataDir, 'templates'), { services, limits: installLimits(config) });
    const advisor = config.advisorUrl ? httpAdvisor(config.advisorUrl) : localAdvisor(new SessionStore());
    const metrics = adminMetrics(store.counts, placement.agents ? { agents: placement.agents } : {});
    const tellLog = logTransitions(log);
    const transitions = new JobTransitions(store, (transition) => {
      tellLog(transition);
      metrics.transition(transition);
    });
    const training = new TrainingManager({ store, transitions, log, advisor, services, templates, blobs, workerLimits: trainWorkerLimits(config), ...(config.advisorSeed !== undefined ? { advisorSeed: config.advisorSeed } : {}) });
    const inference = new InferenceManager({ store, services, templates, config, tokens, transitions, log });
    const deps = { adminId, store, tokens, config, blobs, templates, advisor, services, training, inference, transitions, log, metrics };
    if (config.builtinModels) {
      const superadminUser = await store.users.byEmail(config.superadminEmail);
      if (superadminUser) await ensureBuiltinModels(deps, superadminUser.id);
    }
    const app = createAdminApp(deps);
    const handle = observeRequests((request) => app.handle(request), { routes: app.routes, log, metrics });
    // Uploads are streamed and capped by their routes; Bun's own cap must be above theirs.
    // The port first: an Admin that cannot listen (another holds the port) ends here, before it claims any job.
    const server = Bun.serve({
      hostname: config.host,
      port: config.adminPort,
      maxRequestBodySize: config.maxDatasetBytes + 16 * 1024 * 1024,
      fetch: (request, listener) => {
        noteAddress(request, listener.requestIP(request)?.address);
        return handle(request);
      },
    });
    const port = server.port ?? config.adminPort;
    const leased = lease;
    const placed = placement;
    const endWork = async () => {
      await training.suspendAll();
      await inference.suspendAll();
    };
    try {
      await leased.keep({
        claim: async () => {
          await training.claim(adminId);
          await inference.claim(adminId);
        },
        follow: async () => {
          await training.follow();
          await inference.follow();
        },
        lose: endWork,
      });
    } catch (error) {
      await server.stop(true);
      await endWork();
      throw error;
    }
    return {
      url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
      port,
      adminId,
      store,
      superadmin,
      training,
      ...(placed.processUrl ? { processUrl: placed.processUrl } : {}),
      async stop() {
        await server.stop(true);
        await leased.release(async () => {
          await endWork();
          await services.stopAll();
        });
        await placed.close();
        await store.close();
      },
    };
  } catch (error) {
    await lease?.release().catch(() => {});
    await placement?.close();
    await store.close();
    throw error;
  }
}
