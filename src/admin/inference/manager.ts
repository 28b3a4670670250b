/**
 * Inference jobs in this Admin: writes the chosen trials' parameters and ONNX to
 * files, starts the job's query frontend (a process that starts its own
 * inference workers, and records them here) and stops it. Jobs left running by
 * an Admin that is gone are deployed again by the Admin that claims them (their
 * frontends exited with theirs), on the port they had when it is free.
 */
import * as Comlink from 'comlink';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/log.ts';
import { serve } from '../../common/ipc/calls.ts';
import {
  FRONTEND_CHANNEL, FRONTEND_DEFAULTS, FRONTEND_HOST_CALLS, FRONTEND_HOST_CHANNEL, type DeployedTrial, type FrontendApi, type FrontendSpec,
} from '../../common/protocols/frontend.ts';
import type { TokenIssuer } from '../auth/tokens.ts';
import { isActive } from '../jobs/statuses.ts';
import type { JobTransitions } from '../jobs/transitions.ts';
import { frontendLimits, inferenceWorkerLimits } from '../services/limits.ts';
import type { RecordedProcess, ServicesManager } from '../services/manager.ts';
import { TemplateFiles } from '../services/template-files.ts';
import type { InferenceJobRecord } from '../store/inference-jobs.ts';
import type { Store } from '../store/store.ts';
import type { TrainJobRecord } from '../store/train-jobs.ts';

const FRONTEND_SCRIPT = join(import.meta.dir, '../../frontend/main.ts');
const WORKER_ID = /^[0-9a-f-]{36}$/;
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

export interface InferenceDeps {
  store: Store;
  services: ServicesManager;
  templates: TemplateFiles;
  config: Config;
  /** Its public key goes to frontends, which check tokens with it. */
  tokens: TokenIssuer;
  /** Where every status change of a job is written. */
  transitions: JobTransitions;
  log: Logger;
}

interface Deployment { process: RecordedProcess; frontend: Comlink.Remote<FrontendApi> }

/** An address as the host part of host:port (an IPv6 one in brackets). */
const hostPart = (address: string) => (address.includes(':') ? `[${address}]` : address);

/** The files a frontend reads, by the names its spawn gives them: each trial's parameters, ONNX, template and its dependencies' folder, and the TLS pair. */
function frontendFiles(trials: DeployedTrial[], config: Config): Record<string, string> {
  const files: Record<string, string> = {};
  trials.forEach((trial, i) => {
    files[`trial-${i}-params`] = trial.paramsPath;
    if (trial.onnxPath) files[`trial-${i}-onnx`] = trial.onnxPath;
    files[`trial-${i}-template`] = trial.template.path;
    if (trial.template.nodeModules) files[`trial-${i}-modules`] = trial.template.nodeModules;
  });
  if (config.tlsCert && config.tlsKey) Object.assign(files, { 'tls-cert': config.tlsCert, 'tls-key': config.tlsKey });
  return files;
}

export class InferenceManager {
  private readonly deployments = new Map<string, Deployment>();

  constructor(private readonly deps: InferenceDeps) {}

  private folder(jobId: string): string {
    return join(this.deps.config.dataDir, 'deployments', jobId);
  }

  /** Writes what the frontend's workers load: parameters, ONNX, the template. */
  private async trialsOf(job: InferenceJobRecord, trainJob: TrainJobRecord): Promise<DeployedTrial[]> {
    const { store, templates } = this.deps;
    // Class i of every trial is the i-th label of the training set, in the loaders' sorted order.
    const classes = trainJob.task === 'TABULAR_REGRESSION' ? [] : (await store.datasets.byId(trainJob.trainDatasetId))?.stats.classes ?? [];
    const folder = this.folder(job.id);
    mkdirSync(folder, { recursive: true });
    return Promise.all(job.trialIds.map(async (trialId) => {
      const trial = (await store.trials.byId(trialId))!;
      const saved = await store.trials.parameters(trialId);
      const model = await store.models.byId(trial.modelId);
      const code = await store.models.code(trial.modelId);
      if (!saved || !model || !code) throw new Error(`trial ${trialId} has no saved parameters or its template is gone`);
      const paramsPath = join(folder, `${trialId}.params`);
      writeFileSync(paramsPath, saved.params);
      let onnxPath: string | undefined;
      if (saved.onnx) {
        onnxPath = join(folder, `${trialId}.onnx`);
        writeFileSync(onnxPath, saved.onnx);
      }
      const templateFolder = await templates.prepare(model.dependencies);
      return {
        trialId,
        ...(onnxPath ? { onnxPath } : {}),
        template: {
          path: templates.write(templateFolder, code), className: model.modelClass, knobs: trial.knobs,
          // A template that imports rafiki/model alone needs no folder of ours: its frontend makes one, wherever it runs.
          ...(Object.keys(model.dependencies).length > 0 ? { nodeModules: TemplateFiles.nodeModules(templateFolder) } : {}),
        },
        paramsPath,
        classes,
      };
    }));
  }

  /**
   * Starts the job's frontend; resolves with its host:port once every worker is loaded.
   * `preferredPort` (a redeployed job's port) is used when it is free.
   */
  async deploy(job: InferenceJobRecord, trainJob: TrainJobRecord, preferredPort?: number): Promise<string> {
    const { store, services, config, transitions } = this.deps;
    let deployment: Deployment | undefined;
    try {
      const written = await this.trialsOf(job, trainJob);
      // The frontend reads its trials' files and the TLS pair where its process sees them (the services contract's paths).
      const files = frontendFiles(written, config);
      const process = await services.start({
        kind: 'PREDICTOR', labels: { inferenceJobId: job.id }, run: { script: FRONTEND_SCRIPT }, untrusted: false, files,
        limits: frontendLimits(config, written.length * job.budget.REPLICA_COUNT),
      });
      this.recordWorkers(process, job.id);
      const frontend = Comlink.wrap<FrontendApi>(process.endpoint(FRONTEND_CHANNEL));
      deployment = { process, frontend };
      this.deployments.set(job.id, deployment);
      const seen = (name: string) => process.paths[name]!;
      const trials = written.map((trial, i) => ({
        ...trial,
        paramsPath: seen(`trial-${i}-params`),
        ...(trial.onnxPath ? { onnxPath: seen(`trial-${i}-onnx`) } : {}),
        template: { ...trial.template, path: seen(`trial-${i}-template`), ...(trial.template.nodeModules ? { nodeModules: seen(`trial-${i}-modules`) } : {}) },
      }));
      const spec: FrontendSpec = {
        ...FRONTEND_DEFAULTS,
        jobId: job.id,
        app: trainJob.app,
        appVersion: trainJob.appVersion,
        task: trainJob.task,
        // On another host it listens on all of that host's addresses, and is reached at the one it connected from.
        host: process.address ? '0.0.0.0' : config.host,
        port: 0,
        ...(preferredPort ? { preferredPort } : {}),
        trials,
        replicasPerTrial: job.budget.REPLICA_COUNT,
        sandbox: services.sandboxed,
        auth: {
          publicKey: this.deps.tokens.publicKeyPem,
          ownerId: job.userId,
          banned: await store.users.bannedSince(new Date(Date.now() - config.tokenTtlSeconds * 1000)),
        },
        workerLimits: inferenceWorkerLimits(config),
        ...(files['tls-cert'] ? { tls: { certPath: seen('tls-cert'), keyPath: seen('tls-key') } } : {}),
        ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
        ...(config.redisToken ? { redisToken: config.redisToken } : {}),
      };
      const died = process.wait().then((info) => {
        throw new Error(`the frontend ${info.reason} while starting`);
      });
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the frontend was not ready within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS).unref());
      const { port } = await Promise.race([frontend.start(spec), died, timeout]);
      await process.ready(port);
      const predictorHost = `${process.address ? hostPart(process.address) : config.publicHost}:${port}`;
      await transitions.inferenceJobMoved(job, { status: 'RUNNING', predictorHost });
      void process.wait().then(async (info) => {
        if (info.requested || this.deployments.get(job.id) !== deployment) return;
        this.deployments.delete(job.id);
        await transitions.inferenceJobMoved(job, { status: 'ERRORED', error: `its frontend ${info.reason}` }).catch(() => {});
      });
      return predictorHost;
    } catch (error) {
      this.deployments.delete(job.id);
      await deployment?.process.stop();
      await transitions.inferenceJobMoved(job, { status: 'ERRORED', error: (error as Error).message });
      throw error;
    }
  }

  /** Records the frontend's inference workers as services of its job; it may speak only of the workers it started. */
  private recordWorkers(process: RecordedProcess, inferenceJobId: string): void {
    const { services } = this.deps;
    const mine = new Set<string>();
    const own = (serviceId: string) => {
      if (!WORKER_ID.test(serviceId) || !mine.has(serviceId)) throw new Error('no such worker of this frontend');
    };
    serve(process.endpoint(FRONTEND_HOST_CHANNEL), FRONTEND_HOST_CALLS, {
      workerStarted: async (_trialId, pid) => {
        const id = await services.record('INFERENCE_WORKER', { inferenceJobId }, pid);
        mine.add(id);
        return id;
      },
      workerReady: (serviceId) => {
        own(serviceId);
        return services.markReady(serviceId);
      },
      workerEnded: (serviceId, info) => {
        own(serviceId);
        mine.delete(serviceId);
        return services.ended(serviceId, info);
      },
    });
    // Its workers end with it, whether or not it could say so.
    void process.wait().then((info) => Promise.all([...mine].map((id) => services.ended(id, { requested: info.requested, reason: `its frontend ${info.reason}` }))));
  }

  /** Tells every running frontend that a user was banned: their tokens are refused from then on. */
  async ban(userId: string): Promise<void> {
    await Promise.all([...this.deployments.values()].map((d) => Promise.race([d.frontend.ban(userId), d.process.wait()]).catch(() => {})));
  }

  /** Answers what is in flight, then ends the frontend and its workers. */
  async stop(job: Pick<InferenceJobRecord, 'id' | 'trainJobId'>): Promise<void> {
    const jobId = job.id;
    const deployment = this.deployments.get(jobId);
    this.deployments.delete(jobId);
    if (deployment) {
      // In-flight queries end by their deadline; a frontend that does not end by then is ended.
      await Promise.race([deployment.frontend.stop(), deployment.process.wait(), Bun.sleep(STOP_TIMEOUT_MS)]).catch(() => {});
      await deployment.process.stop();
    }
    await this.deps.transitions.inferenceJobMoved(job, { status: 'STOPPED' });
    rmSync(this.folder(jobId), { recursive: true, force: true });
  }

  /** Takes the active jobs no Admin holds and deploys them again, each on its last port when that is free. */
  async claim(adminId: string): Promise<void> {
    const { store } = this.deps;
    for (const job of await store.inferenceJobs.claimFree(adminId)) {
      // Not RUNNING until its new frontend is ready.
      await this.deps.transitions.inferenceJobMoved(job, { status: 'STARTED' });
      const trainJob = await store.trainJobs.byId(job.trainJobId);
      const lastPort = Number(job.predictorHost?.split(':').pop()) || undefined;
      if (trainJob) void this.deploy(job, trainJob, lastPort).catch((error: Error) => this.deps.log.error('an inference job could not start again', { inference_job_id: job.id, error: error.message }));
    }
  }

  /** Ends the frontends of jobs run here that were stopped through another Admin. */
  async follow(): Promise<void> {
    for (const jobId of [...this.deployments.keys()]) {
      const job = await this.deps.store.inferenceJobs.byId(jobId);
      if (job && !isActive(job.status)) await this.stop(job);
    }
  }

  /** At shutdown: ends the frontends, leaving the jobs to be deployed again at the next start. */
  async suspendAll(): Promise<void> {
    const all = [...this.deployments.values()];
    this.deployments.clear();
    await Promise.all(all.map((d) => d.process.stop()));
  }
}
