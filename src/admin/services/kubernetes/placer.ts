/**
 * Places Rafiki's processes as pods (objects.ts) in one namespace, a
 * frontend as a Deployment and a Service, watches their pods, and says when
 * one is gone without being removed (pod-status.ts). Selected by
 * `RAFIKI_SERVICES=kubernetes`; the cluster is KUBECONFIG's current context,
 * else ~/.kube/config, else the pod's own service account.
 *
 * @example
 * const placer = KubernetesPlacer.fromConfig(config);
 * placer.onGone((processId, reason) => …);
 * await placer.place(launch);          // a frontend's: { address: 'rafiki-predictor-<id>.rafiki.svc', servicePort: 8080 }
 * await placer.remove(launch.processId);
 * await placer.releaseJob(jobId);     // the job's ConfigMap, and with it whatever is left of the job
 */
import {
  ApiException, AppsV1Api, CoreV1Api, KubeConfig, NetworkingV1Api, makeInformer, type Informer, type V1Pod,
} from '@kubernetes/client-node';
import type { Config } from '../../../common/config.ts';
import type { ProcessKind } from '../../../common/services/services.ts';
import type { Launch, Placed, Placer } from '../placement.ts';
import {
  APP, FRONTEND_PORT, LABEL, checkLaunch, jobKey, jobOwner, jobOwnerName, networkPolicies, processName, processObjects, serviceAddress,
  type ObjectsConfig, type Owner, type Peer,
} from './objects.ts';
import { deletedReason, goneReason } from './pod-status.ts';

/** Labels the manifests (deploy/kubernetes/) give the Admin's and Redis's pods, which the NetworkPolicies let workers reach. */
export const ADMIN_POD_LABELS = { [LABEL.name]: APP, 'app.kubernetes.io/component': 'admin' };
export const REDIS_POD_LABELS = { [LABEL.name]: APP, 'app.kubernetes.io/component': 'redis' };

const RESTART_WATCH_MS = 1_000;

export interface KubernetesPlacerOptions extends ObjectsConfig {
  /** The Admin's pod, owner of each job's ConfigMap; undefined when the Admin runs outside the cluster. */
  adminPod?: { name: string; uid: string };
}

/** The objects' settings from Rafiki's (RAFIKI_K8S_*, RAFIKI_PROCESS_URL, REDIS_URL). */
export function placerOptions(config: Config): KubernetesPlacerOptions {
  const k8s = config.kubernetes;
  if (!k8s || !config.processUrl) throw new Error('RAFIKI_SERVICES=kubernetes, RAFIKI_K8S_IMAGE and RAFIKI_PROCESS_URL must be set to place pods');
  const within = (cidr: string | undefined, podLabels: Record<string, string>): Peer => (cidr ? { cidr } : { podLabels });
  return {
    namespace: k8s.namespace,
    image: k8s.image,
    imagePullPolicy: k8s.imagePullPolicy,
    cpu: k8s.workerCpu,
    admin: { ...within(k8s.adminCidr, ADMIN_POD_LABELS), port: urlPort(config.processUrl) },
    redis: config.redisUrl ? { ...within(k8s.redisCidr, REDIS_POD_LABELS), port: urlPort(config.redisUrl) } : undefined,
    // A train and a validation dataset at their largest, and a worker's memory's worth for parameters, a template and its modules.
    filesBytes: 2 * config.maxDatasetBytes + config.workerMemoryBytes,
    ...(k8s.clusterDomain ? { clusterDomain: k8s.clusterDomain } : {}),
    ...(k8s.adminPod ? { adminPod: k8s.adminPod } : {}),
  };
}

function urlPort(url: string): number {
  const parsed = new URL(url);
  if (parsed.port) return Number(parsed.port);
  return ({ 'ws:': 80, 'http:': 80, 'wss:': 443, 'https:': 443, 'redis:': 6379, 'rediss:': 6379 } as Record<string, number>)[parsed.protocol] ?? 80;
}

export class KubernetesPlacer implements Placer {
  readonly name = 'kubernetes';
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly networking: NetworkingV1Api;
  private readonly informer: Informer<V1Pod>;
  /** The processes placed and neither removed nor gone, with their kind and job. */
  private readonly placed = new Map<string, { kind: ProcessKind; job: string | undefined }>();
  private readonly owners = new Map<string, Promise<Owner>>();
  private readonly listeners: ((processId: string, reason: string) => void)[] = [];
  private policies: Promise<void> | undefined;
  private watching: Promise<void>;
  private closed = false;
  private lastWarning: string | undefined;

  constructor(private readonly options: KubernetesPlacerOptions, kubeConfig: KubeConfig = defaultKubeConfig()) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.networking = kubeConfig.makeApiClient(NetworkingV1Api);
    const namespace = options.namespace;
    const selector = `${LABEL.name}=${APP},${LABEL.process}`;
    this.informer = makeInformer(kubeConfig, `/api/v1/namespaces/${namespace}/pods`,
      () => this.core.listNamespacedPod({ namespace, labelSelector: selector }), selector);
    this.informer.on('add', (pod) => this.observe(pod, goneReason(pod)));
    this.informer.on('update', (pod) => this.observe(pod, goneReason(pod)));
    this.informer.on('delete', (pod) => this.observe(pod, deletedReason(pod)));
    // A watch ends now and then (the server's timeout, a network fault); the informer lists again on start and reports what was deleted meanwhile.
    this.informer.on('error', (error) => {
      if (this.closed) return;
      this.warnOnce(`kubernetes: watching the pods of ${namespace} failed (${message(error)}); trying again every ${RESTART_WATCH_MS / 1000} s`);
      setTimeout(() => this.restartWatch(), RESTART_WATCH_MS).unref();
    });
    this.watching = this.informer.start();
  }

  static fromConfig(config: Config): KubernetesPlacer {
    return new KubernetesPlacer(placerOptions(config));
  }

  onGone(listener: (processId: string, reason: string) => void): void {
    this.listeners.push(listener);
  }

  /** A frontend resolves with its Service's name and port: it is reached there, whichever pod runs it. */
  async place(launch: Launch): Promise<Placed | void> {
    if (this.closed) throw new Error('the Kubernetes placer is closed');
    if (this.placed.has(launch.processId)) throw new Error(`process ${launch.processId} is placed already`);
    checkLaunch(launch);
    const key = jobKey(launch.labels);
    const { namespace } = this.options;
    this.placed.set(launch.processId, { kind: launch.spec.kind, job: key });
    try {
      await this.watching;
      await (this.policies ??= this.applyPolicies().catch((error) => {
        this.policies = undefined;
        throw error;
      }));
      const owner = key === undefined ? undefined : await this.jobOwner(key);
      const owned = processObjects(launch, this.options, owner);
      if ('pod' in owned) {
        await this.core.createNamespacedPod({ namespace, body: owned.pod });
        return;
      }
      await this.apps.createNamespacedDeployment({ namespace, body: owned.deployment });
      await this.core.createNamespacedService({ namespace, body: owned.service });
      return { address: serviceAddress(launch.processId, this.options), servicePort: FRONTEND_PORT };
    } catch (error) {
      this.placed.delete(launch.processId);
      await this.deleteObjects(launch.processId, launch.spec.kind).catch(() => {});
      throw new Error(`could not place ${launch.spec.kind} ${launch.processId}: ${message(error)}`);
    }
  }

  async remove(processId: string): Promise<void> {
    const known = this.placed.get(processId);
    this.placed.delete(processId);
    await this.deleteObjects(processId, known?.kind);
  }

  /** Deletes a job's ConfigMap, and with it (Kubernetes' garbage collector) every object of the job still there. */
  async releaseJob(key: string): Promise<void> {
    for (const [processId, { job }] of this.placed) if (job === key) this.placed.delete(processId);
    this.owners.delete(key);
    await ignoreMissing(this.core.deleteNamespacedConfigMap({ name: jobOwnerName(key), namespace: this.options.namespace, propagationPolicy: 'Background' }));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.informer.stop();
  }

  private observe(pod: V1Pod, reason: string | null): void {
    const processId = pod.metadata?.labels?.[LABEL.process];
    if (reason === null || processId === undefined || !this.placed.has(processId)) return;
    this.placed.delete(processId);
    for (const listener of this.listeners) listener(processId, reason);
  }

  /** A watch that keeps failing the same way (no RBAC, no network) says so once, not every second. */
  private warnOnce(warning: string): void {
    if (warning !== this.lastWarning) console.warn(warning);
    this.lastWarning = warning;
  }

  private restartWatch(): void {
    if (this.closed) return;
    this.watching = this.informer.start().catch(() => {
      if (!this.closed) setTimeout(() => this.restartWatch(), RESTART_WATCH_MS).unref();
    });
  }

  /** Its objects by name when its kind is known here, else by its label (a process placed by an earlier Admin). */
  private async deleteObjects(processId: string, kind: ProcessKind | undefined): Promise<void> {
    const namespace = this.options.namespace;
    const labelSelector = `${LABEL.name}=${APP},${LABEL.process}=${processId}`;
    const name = kind === undefined ? undefined : processName(kind, processId);
    const background = { namespace, propagationPolicy: 'Background' } as const;
    if (kind === 'PREDICTOR' || kind === undefined) {
      await (name ? ignoreMissing(this.apps.deleteNamespacedDeployment({ ...background, name })) : this.apps.deleteCollectionNamespacedDeployment({ ...background, labelSelector }));
      const services = name ? [name] : (await this.core.listNamespacedService({ namespace, labelSelector })).items.map((s) => s.metadata?.name ?? '');
      await Promise.all(services.map((service) => ignoreMissing(this.core.deleteNamespacedService({ ...background, name: service }))));
    }
    if (kind !== 'PREDICTOR') {
      await (name ? ignoreMissing(this.core.deleteNamespacedPod({ ...background, name })) : this.core.deleteCollectionNamespacedPod({ ...background, labelSelector }));
    }
  }

  private jobOwner(key: string): Promise<Owner> {
    let owner = this.owners.get(key);
    if (!owner) {
      owner = this.createJobOwner(key);
      this.owners.set(key, owner);
      owner.catch(() => this.owners.delete(key));
    }
    return owner;
  }

  private async createJobOwner(key: string): Promise<Owner> {
    const namespace = this.options.namespace;
    const body = jobOwner(this.options, key, this.options.adminPod);
    let created;
    try {
      created = await this.core.createNamespacedConfigMap({ namespace, body });
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 409)) throw error;
      created = await this.core.readNamespacedConfigMap({ namespace, name: jobOwnerName(key) });
    }
    const uid = created.metadata?.uid;
    if (!uid) throw new Error(`the ConfigMap ${jobOwnerName(key)} has no uid`);
    return { apiVersion: 'v1', kind: 'ConfigMap', name: jobOwnerName(key), uid };
  }

  /** Creates the namespace's policies, or replaces them: the latest Admin's settings (ports, address blocks) hold. */
  private async applyPolicies(): Promise<void> {
    const namespace = this.options.namespace;
    for (const body of networkPolicies(this.options)) {
      try {
        await this.networking.createNamespacedNetworkPolicy({ namespace, body });
      } catch (error) {
        if (!(error instanceof ApiException && error.code === 409)) throw error;
        await this.networking.replaceNamespacedNetworkPolicy({ namespace, name: body.metadata?.name ?? '', body });
      }
    }
  }
}

function defaultKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}

async function ignoreMissing(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 404)) throw error;
  }
}

function message(error: unknown): string {
  if (error instanceof ApiException) {
    let body: unknown = error.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        return `${error.code} ${body}`;
      }
    }
    const status = body as { message?: unknown } | undefined;
    return typeof status?.message === 'string' ? `${error.code} ${status.message}` : `${error.code}`;
  }
  return error instanceof Error ? error.message : String(error);
}
