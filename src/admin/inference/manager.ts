/**
 * Inference jobs in this Admin: writes the chosen trials' parameters and ONNX to
 * files, starts the job's query frontends (FRONTEND_COUNT; each starts its own
 * inference workers and records them here) or, where processes are placed on
 * other hosts and share Redis, frontends and queue workers apart
 * (servingLayout); starts again any of them that ends by itself, and stops
 * them. Jobs left running by an Admin that is gone are deployed again by the
 * Admin that claims them (their processes exited with theirs), on the port
 * they had when it is free.
 */
import * as Comlink from 'comlink';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/log.ts';
import { serve } from '../../common/ipc/calls.ts';
import {
  FRONTEND_CHANNEL, FRONTEND_DEFAULTS, FRONTEND_HOST_CALLS, FRONTEND_HOST_CHANNEL, QUEUE_WORKER_CHANNEL,
  type DeployedTrial, type FrontendApi, type FrontendSpec, type QueueWorkerApi,
} from '../../common/protocols/frontend.ts';
import type { TokenIssuer } from '../auth/tokens.ts';
import { isActive } from '../jobs/statuses.ts';
import type { JobTransitions } from '../jobs/transitions.ts';
import { frontendLimits, inferenceWorkerLimits } from '../services/limits.ts';
import type { RecordedProcess, ServicesManager } from '../services/manager.ts';
import { TemplateFiles } from '../services/template-files.ts';
import { JobRedisUsers } from './job-redis-users.ts';
import type { InferenceJobRecord } from '../store/inference-jobs.ts';
import type { Store } from '../store/store.ts';
import type { TrainJobRecord } from '../store/train-jobs.ts';

const FRONTEND_SCRIPT = join(import.meta.dir, '../../frontend/main.ts');
const QUEUE_WORKER_SCRIPT = join(import.meta.dir, '../../frontend/queue-worker-main.ts');
const WORKER_ID = /^[0-9a-f-]{36}$/;
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
/** Times each frontend or queue worker of a job is started again after it ended by itself; once more, and the job is ERRORED. */
const RESTARTS = 3;

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

/** How many processes of each role serve a job, and where its inference workers run. */
export interface ServingLayout {
  frontends: number;
  /** Inference workers per trial inside each frontend's process tree. */
  replicasPerFrontend: number;
  /** Queue workers per trial, placed apart from the frontends, each one inference worker. */
  queueWorkersPerTrial: number;
}

/**
 * Where a job's processes are placed on other hosts and share Redis, its
 * inference workers are queue workers placed apart (REPLICA_COUNT per trial,
 * wherever the placer puts them) and its frontends only take queries; on one
 * host, each frontend keeps REPLICA_COUNT workers per trial beside it, where
 * tensors go through shared memory and no batch crosses Redis.
 *
 * @example
 * servingLayout({ FRONTEND_COUNT: 2, REPLICA_COUNT: 3 }, { workersApart: true }); // { frontends: 2, replicasPerFrontend: 0, queueWorkersPerTrial: 3 }
 */
export function servingLayout(budget: Pick<InferenceJobRecord['budget'], 'FRONTEND_COUNT' | 'REPLICA_COUNT'>, { workersApart }: { workersApart: boolean }): ServingLayout {
  return workersApart
    ? { frontends: budget.FRONTEND_COUNT, replicasPerFrontend: 0, queueWorkersPerTrial: budget.REPLICA_COUNT }
    : { frontends: budget.FRONTEND_COUNT, replicasPerFrontend: budget.REPLICA_COUNT, queueWorkersPerTrial: 0 };
}

/** One process of a deployment: a frontend (with its address) or a queue worker. */
interface Member {
  /** "the frontend 1", "a queue worker of trial …": for errors and logs. */
  name: string;
  process: RecordedProcess;
  /** Where clients reach a frontend: host:port. */
  address?: string;
  /** Answers what it took, then lets its process end. */
  drain(): Promise<void>;
  ban?(userId: string): Promise<void>;
}

/** A running job's processes by slot ("frontend:0", "worker:<trial>:<replica>"), and how often each slot was started again. */
interface Deployment {
  job: InferenceJobRecord;
  /** The job's own Redis address (job-redis-users.ts), when the Admin has Redis. */
  redisUrl?: string;
  trainJob: TrainJobRecord;
  trials: DeployedTrial[];
  layout: ServingLayout;
  members: Map<string, Member>;
  restarts: Map<string, number>;
}

/** Where clients reach the deployment's frontends, the first one first. */
function frontendAddresses(deployment: Deployment): string[] {
  return Array.from({ length: deployment.layout.frontends }, (_, i) => deployment.members.get(`frontend:${i}`)?.address)
    .filter((address): address is string => address !== undefined);
}

/** An address as the host part of host:port (an IPv6 one in brackets). */
const hostPart = (address: string) => (address.includes(':') ? `[${address}]` : address);

/** The files of trial `i`, by the names a spawn gives them: its parameters, ONNX, template and its dependencies' folder. */
function trialFiles(trial: DeployedTrial, i: number): Record<string, string> {
  return {
    [`trial-${i}-params`]: trial.paramsPath,
    ...(trial.onnxPath ? { [`trial-${i}-onnx`]: trial.onnxPath } : {}),
    [`trial-${i}-template`]: trial.template.path,
    ...(trial.template.nodeModules ? { [`trial-${i}-modules`]: trial.template.nodeModules } : {}),
  };
}

/** Trial `i` as the process sees it: its files where its spawn put them, which on another host are not the Admin's paths. */
function trialAsSeen(trial: DeployedTrial, i: number, process: RecordedProcess): DeployedTrial {
  const seen = (name: string) => process.paths[`trial-${i}-${name}`]!;
  return {
    ...trial,
    paramsPath: seen('params'),
    ...(trial.onnxPath ? { onnxPath: seen('onnx') } : {}),
    template: { ...trial.template, path: seen('template'), ...(trial.template.nodeModules ? { nodeModules: seen('modules') } : {}) },
  };
}

/** Resolves with `starting` unless the process ends first or it takes too long. */
async function untilStarted<T>(process: RecordedProcess, starting: Promise<T>, name: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const died = process.wait().then((info) => {
    throw new Error(`${name} ${info.reason} while starting`);
  });
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} was not ready within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
  });
  try {
    return await Promise.race([starting, died, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class InferenceManager {
  private readonly deployments = new Map<string, Deployment>();
  private readonly workersApart: boolean;
  /** Whether frontends and queue workers start their inference workers in bubblewrap: not in a pod, which is the sandbox (bubblewrap cannot make namespaces there). */
  private readonly workersSandboxed: boolean;
  private readonly redisUsers: JobRedisUsers | undefined;

  constructor(private readonly deps: InferenceDeps) {
    this.redisUsers = deps.config.redisUrl ? new JobRedisUsers(deps.config.redisUrl, deps.log) : undefined;
    this.workersApart = deps.config.services !== 'local' && deps.config.redisUrl !== undefined;
    this.workersSandboxed = deps.services.sandboxed && deps.config.services !== 'kubernetes';
  }

  private folder(jobId: string): string {
    return join(this.deps.config.dataDir, 'deployments', jobId);
  }

  /** Writes what the job's workers load: parameters, ONNX, the template. */
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
          // A template that imports rafiki/model alone needs no folder of ours: its worker's host makes one, wherever it runs.
          ...(Object.keys(model.dependencies).length > 0 ? { nodeModules: TemplateFiles.nodeModules(templateFolder) } : {}),
        },
        paramsPath,
        classes,
      };
    }));
  }

  /**
   * Starts the job's frontends and queue workers (servingLayout); resolves with
   * the first frontend's host:port once every one is ready. `preferredPort` (a
   * redeployed job's port) is the first frontend's when it is free.
   */
  async deploy(job: InferenceJobRecord, trainJob: TrainJobRecord, preferredPort?: number): Promise<string> {
    const layout = servingLayout(job.budget, { workersApart: this.workersApart });
    const deployment: Deployment = { job, trainJob, trials: [], layout, members: new Map(), restarts: new Map() };
    this.deployments.set(job.id, deployment);
    try {
      deployment.trials = await this.trialsOf(job, trainJob);
      if (this.redisUsers) deployment.redisUrl = await this.redisUsers.grant(job.id);
      const slots = [
        ...Array.from({ length: layout.frontends }, (_, i) => `frontend:${i}`),
        ...deployment.trials.flatMap((_, t) => Array.from({ length: layout.queueWorkersPerTrial }, (_, r) => `worker:${t}:${r}`)),
      ];
      const started = await Promise.allSettled(slots.map((slot) => this.launch(deployment, slot, slot === 'frontend:0' ? preferredPort : undefined)));
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      if (this.deployments.get(job.id) !== deployment) throw new Error('it was stopped while it started');
      await this.publish(deployment);
      return deployment.members.get('frontend:0')!.address!;
    } catch (error) {
      // One stopped meanwhile was recorded so by its stop.
      if (this.deployments.get(job.id) === deployment) await this.fail(deployment, (error as Error).message);
      throw error;
    }
  }

  /** Starts the process of one slot, and watches it: one that ends by itself is started again (RESTARTS). */
  private async launch(deployment: Deployment, slot: string, preferredPort?: number): Promise<void> {
    const [role, a, b] = slot.split(':');
    const member = role === 'frontend'
      ? await this.startFrontend(deployment, Number(a), preferredPort)
      : await this.startQueueWorker(deployment, Number(a), Number(b));
    if (this.deployments.get(deployment.job.id) !== deployment) {
      await member.process.stop();
      return;
    }
    deployment.members.set(slot, member);
    void member.process.wait().then((info) => {
      if (info.requested || deployment.members.get(slot) !== member) return;
      deployment.members.delete(slot);
      return this.restart(deployment, slot, member, info.reason);
    });
  }

  private async restart(deployment: Deployment, slot: string, ended: Member, reason: string): Promise<void> {
    const { job } = deployment;
    if (this.deployments.get(job.id) !== deployment) return;
    const restarts = deployment.restarts.get(slot) ?? 0;
    if (restarts >= RESTARTS) {
      await this.fail(deployment, `${ended.name} ${reason}, after it had been started again ${restarts} times`);
      return;
    }
    deployment.restarts.set(slot, restarts + 1);
    this.deps.log.warn('a process of an inference job ended; starting it again', { inference_job_id: job.id, process: ended.name, reason });
    const frontend = ended.address !== undefined;
    // Meanwhile clients are sent to the frontends left, where there are some.
    if (frontend) await this.publish(deployment);
    try {
      const lastPort = ended.address ? Number(ended.address.split(':').pop()) : undefined;
      await this.launch(deployment, slot, lastPort);
    } catch (error) {
      await this.fail(deployment, `${ended.name} ${reason}, and could not start again: ${(error as Error).message}`);
      return;
    }
    // It may be reached elsewhere now (another host, another port).
    if (frontend) await this.publish(deployment);
  }

  /** Records where the job's running frontends are, the first one first (not while none is). */
  private async publish(deployment: Deployment): Promise<void> {
    const predictorHosts = frontendAddresses(deployment);
    if (predictorHosts.length === 0 || this.deployments.get(deployment.job.id) !== deployment) return;
    await this.deps.transitions.inferenceJobMoved(deployment.job, { status: 'RUNNING', predictorHost: predictorHosts[0]!, predictorHosts });
  }

  /** Ends every process of the deployment and records the job ERRORED for `error`. */
  private async fail(deployment: Deployment, error: string): Promise<void> {
    if (this.deployments.get(deployment.job.id) === deployment) this.deployments.delete(deployment.job.id);
    const members = [...deployment.members.values()];
    deployment.members.clear();
    await Promise.all(members.map((member) => member.process.stop()));
    await this.redisUsers?.revoke(deployment.job.id);
    await this.deps.transitions.inferenceJobMoved(deployment.job, { status: 'ERRORED', error }).catch(() => {});
  }

  private async startFrontend(deployment: Deployment, index: number, preferredPort?: number): Promise<Member> {
    const { services, config, store } = this.deps;
    const { job, trainJob, trials, layout } = deployment;
    const name = layout.frontends > 1 ? `its frontend ${index + 1}` : 'its frontend';
    const files: Record<string, string> = Object.assign({}, ...trials.map(trialFiles));
    if (config.tlsCert && config.tlsKey) Object.assign(files, { 'tls-cert': config.tlsCert, 'tls-key': config.tlsKey });
    // The frontend reads its trials' files and the TLS pair where its process sees them (the services contract's paths).
    const process = await services.start({
      kind: 'PREDICTOR', labels: { inferenceJobId: job.id }, run: { script: FRONTEND_SCRIPT }, untrusted: false, files,
      limits: frontendLimits(config, trials.length * layout.replicasPerFrontend),
    });
    try {
      if (layout.replicasPerFrontend > 0) this.recordWorkers(process, job.id);
      const frontend = Comlink.wrap<FrontendApi>(process.endpoint(FRONTEND_CHANNEL));
      const spec: FrontendSpec = {
        ...FRONTEND_DEFAULTS,
        jobId: job.id,
        app: trainJob.app,
        appVersion: trainJob.appVersion,
        task: trainJob.task,
        // On another host it listens on all of that host's addresses, and is reached at the one it connected from (or its placement's).
        host: process.address ? '0.0.0.0' : config.host,
        port: process.servicePort ?? 0,
        ...(preferredPort && !process.servicePort ? { preferredPort } : {}),
        trials: trials.map((trial, i) => trialAsSeen(trial, i, process)),
        replicasPerTrial: layout.replicasPerFrontend,
        sandbox: this.workersSandboxed,
        auth: {
          publicKey: this.deps.tokens.publicKeyPem,
          ownerId: job.userId,
          banned: await store.users.bannedSince(new Date(Date.now() - config.tokenTtlSeconds * 1000)),
        },
        workerLimits: inferenceWorkerLimits(config),
        ...(files['tls-cert'] ? { tls: { certPath: process.paths['tls-cert']!, keyPath: process.paths['tls-key']! } } : {}),
        ...(deployment.redisUrl ? { redisUrl: deployment.redisUrl } : {}),
        ...(config.redisToken ? { redisToken: config.redisToken } : {}),
      };
      const { port } = await untilStarted(process, frontend.start(spec), name);
      await process.ready(port);
      return {
        name, process,
        address: `${process.address ? hostPart(process.address) : config.publicHost}:${port}`,
        drain: () => frontend.stop(),
        ban: (userId) => frontend.ban(userId),
      };
    } catch (error) {
      await process.stop();
      throw error;
    }
  }

  private async startQueueWorker(deployment: Deployment, t: number, replica: number): Promise<Member> {
    const { services, config } = this.deps;
    const { job, trainJob, trials } = deployment;
    const trial = trials[t]!;
    const name = `a queue worker of trial ${trial.trialId}`;
    const process = await services.start({
      kind: 'INFERENCE_WORKER', labels: { inferenceJobId: job.id, trialId: trial.trialId }, run: { script: QUEUE_WORKER_SCRIPT }, untrusted: false,
      files: trialFiles(trial, 0), limits: frontendLimits(config, 1),
    });
    try {
      const worker = Comlink.wrap<QueueWorkerApi>(process.endpoint(QUEUE_WORKER_CHANNEL));
      await untilStarted(process, worker.start({
        ...FRONTEND_DEFAULTS,
        jobId: job.id,
        task: trainJob.task,
        trial: trialAsSeen(trial, 0, process),
        redisUrl: deployment.redisUrl!,
        ...(config.redisToken ? { redisToken: config.redisToken } : {}),
        sandbox: this.workersSandboxed,
        workerLimits: inferenceWorkerLimits(config),
      }), name);
      await process.ready();
      this.deps.log.debug('a queue worker is ready', { inference_job_id: job.id, trial_id: trial.trialId, replica });
      return { name, process, drain: () => worker.stop() };
    } catch (error) {
      await process.stop();
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
    const frontends = [...this.deployments.values()].flatMap((d) => [...d.members.values()]).filter((m) => m.ban);
    await Promise.all(frontends.map((m) => Promise.race([m.ban!(userId), m.process.wait()]).catch(() => {})));
  }

  /** Answers what is in flight (the frontends first, then the queue workers that answer them), then ends every process. */
  async stop(job: Pick<InferenceJobRecord, 'id' | 'trainJobId'>): Promise<void> {
    const jobId = job.id;
    const deployment = this.deployments.get(jobId);
    this.deployments.delete(jobId);
    if (deployment) {
      const members = [...deployment.members.values()];
      deployment.members.clear();
      const drain = (list: Member[]) => Promise.all(list.map(async (member) => {
        // In-flight queries end by their deadline; a process that does not end by then is ended.
        await Promise.race([member.drain(), member.process.wait(), Bun.sleep(STOP_TIMEOUT_MS)]).catch(() => {});
        await member.process.stop();
      }));
      await drain(members.filter((m) => m.address !== undefined));
      await drain(members.filter((m) => m.address === undefined));
    }
    await this.redisUsers?.revoke(jobId);
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

  /** At shutdown: ends every job's processes, leaving the jobs to be deployed again at the next start. */
  async suspendAll(): Promise<void> {
    const members = [...this.deployments.values()].flatMap((d) => [...d.members.values()]);
    this.deployments.clear();
    await Promise.all(members.map((m) => m.process.stop()));
  }
}
