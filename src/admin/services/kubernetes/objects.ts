/**
 * The Kubernetes objects of a placed process, as pure functions of its Launch
 * and a small configuration: a Pod per worker and check, a Deployment and a
 * Service per frontend, the ConfigMap that owns a job's objects, and the
 * NetworkPolicies of the namespace. The placer (placer.ts) sends them; the
 * tests validate them against the Kubernetes OpenAPI schemas.
 *
 * @example
 * const map = await core.createNamespacedConfigMap({ namespace, body: jobOwner(config, jobId, adminPod) }); // first: its uid owns the rest
 * const objects = processObjects(launch, config, { apiVersion: 'v1', kind: 'ConfigMap', name: map.metadata!.name!, uid: map.metadata!.uid! });
 */
import type {
  V1ConfigMap, V1Container, V1Deployment, V1NetworkPolicy, V1NetworkPolicyEgressRule, V1NetworkPolicyIngressRule, V1NetworkPolicyPeer,
  V1OwnerReference, V1Pod, V1PodSpec, V1Service,
} from '@kubernetes/client-node';
import { DEFAULT_STOP_GRACE_MS, type ProcessKind } from '../../../common/services/services.ts';
import type { Launch } from '../placement.ts';

/** Where a pod may connect: pods of the namespace with these labels, or an address block outside it. */
export type Peer = { podLabels: Record<string, string> } | { cidr: string };

export interface ObjectsConfig {
  namespace: string;
  image: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** CPU of each worker and frontend, requested and limited alike. */
  cpu: string;
  /** The Admin's worker endpoint: who serves it and on which port (the pod's port, which a Service must not remap). */
  admin: Peer & { port: number };
  /** Redis, for inference workers and frontends; undefined when there is none. */
  redis: (Peer & { port: number }) | undefined;
  /** Room for the files the runner fetches (datasets, parameters, a template and its modules) and the work folder. */
  filesBytes: number;
  /** The cluster's DNS domain, when a frontend's Service is to be named fully (`cluster.local`). */
  clusterDomain?: string;
}

/** An object that owns others: deleting it deletes them (Kubernetes' garbage collector). */
export interface Owner { apiVersion: string; kind: string; name: string; uid: string }

/** Where a frontend listens in its pod, and its Service's port. */
export const FRONTEND_PORT = 8080;
/** The uid of `nobody`, as the local sandbox's `--uid 65534`. */
export const NOBODY = 65534;
/** Kinds that run as pods: installs write a `node_modules` folder the Admin keeps, so they stay local. */
export const PLACED_KINDS = ['CHECK', 'TRAIN_WORKER', 'INFERENCE_WORKER', 'PREDICTOR'] as const satisfies readonly ProcessKind[];

export const LABEL = {
  name: 'app.kubernetes.io/name',
  kind: 'rafiki.io/kind',
  job: 'rafiki.io/job',
  subJob: 'rafiki.io/sub-job',
  trial: 'rafiki.io/trial',
  process: 'rafiki.io/process',
} as const;
export const APP = 'rafiki';
/** The services contract's stop grace, as the pod's: SIGTERM, then SIGKILL this much later. */
const GRACE_SECONDS = Math.ceil(DEFAULT_STOP_GRACE_MS / 1000);

/** `TRAIN_WORKER` → `train-worker`: label values and names are lower-case. */
export function kindSlug(kind: ProcessKind): string {
  return kind.toLowerCase().replace(/_/g, '-');
}

/** The id a job's objects are grouped under: its train job's, or its inference job's. */
export function jobKey(labels: Launch['labels']): string | undefined {
  return labels.jobId ?? labels.inferenceJobId;
}

export function jobOwnerName(key: string): string {
  return `rafiki-job-${key}`;
}

/** The name of a process's Pod, or of its Deployment and Service. */
export function processName(kind: ProcessKind, processId: string): string {
  return `rafiki-${kindSlug(kind)}-${processId}`;
}

/**
 * Where others reach a frontend: its Service's DNS name. Without the cluster's
 * domain it is `<name>.<namespace>.svc`, which every pod's resolver completes
 * from its search list, whatever the domain is.
 */
export function serviceAddress(processId: string, config: Pick<ObjectsConfig, 'namespace' | 'clusterDomain'>): string {
  const name = `${processName('PREDICTOR', processId)}.${config.namespace}.svc`;
  return config.clusterDomain ? `${name}.${config.clusterDomain}` : name;
}

/** A label value that is also a name's part (`rafiki-job-<id>`): RFC 1123's label. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Throws, naming the field, when a launch cannot be placed. */
export function checkLaunch(launch: Launch): void {
  if (!(PLACED_KINDS as readonly string[]).includes(launch.spec.kind)) {
    throw new Error(`a ${launch.spec.kind} process is not placed on Kubernetes (only ${PLACED_KINDS.join(', ')})`);
  }
  if (!/^[a-z0-9]([-a-z0-9]{0,34}[a-z0-9])?$/.test(launch.processId)) {
    throw new Error(`processId must be a lower-case uuid, got ${JSON.stringify(launch.processId)}`);
  }
  for (const [name, value] of Object.entries(launch.labels)) {
    if (value !== undefined && !DNS_LABEL.test(value)) throw new Error(`labels.${name} must be a lower-case id of at most 63 characters (a uuid), got ${JSON.stringify(value)}`);
  }
  if (launch.spec.network) throw new Error(`a placed process cannot have the network (spec.network), got one for ${launch.spec.kind}`);
  if (!(launch.gpus === undefined || (Number.isInteger(launch.gpus) && launch.gpus >= 0))) {
    throw new Error(`gpus must be a whole number from 0, got ${launch.gpus}`);
  }
  const { memoryBytes } = launch.spec.limits;
  if (!(Number.isInteger(memoryBytes) && memoryBytes > 0)) throw new Error(`spec.limits.memoryBytes must be a positive whole number, got ${memoryBytes}`);
}

/**
 * The parent of one job's objects. A ConfigMap, because it is the cheapest
 * namespaced object that no controller acts on, and deleting it
 * (`kubectl delete configmap rafiki-job-<id>`) deletes every pod, Deployment
 * and Service of the job at once. It is owned in turn by the Admin's pod when
 * the Admin runs in the cluster, so that a job's processes end with the Admin
 * that started them, as local ones do (the next Admin claims the job again).
 */
export function jobOwner(config: Pick<ObjectsConfig, 'namespace'>, key: string, adminPod?: { name: string; uid: string }): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: jobOwnerName(key),
      namespace: config.namespace,
      labels: { [LABEL.name]: APP, [LABEL.job]: key },
      ...(adminPod ? { ownerReferences: [reference({ apiVersion: 'v1', kind: 'Pod', ...adminPod })] } : {}),
    },
    data: { job: key },
  };
}

/**
 * A Pod for a worker or a check; a Deployment and its Service for a frontend.
 *
 * A frontend's Deployment keeps one pod and its Service a name that the Admin
 * publishes (`serviceAddress`). Its pod must restart its container (`Always`
 * is the only policy a Deployment allows), but a restarted runner would show
 * a token that was used already, which the Admin refuses. So a frontend's
 * life is its first container's: the placer reports the container's first
 * end (pod-status.ts), and the Admin ends the process as it ends a crashed
 * one and deletes the Deployment; a frontend started again is a new process,
 * with a Deployment and a Service of its own.
 */
export function processObjects(launch: Launch, config: ObjectsConfig, owner?: Owner): { pod: V1Pod } | { deployment: V1Deployment; service: V1Service } {
  checkLaunch(launch);
  const name = processName(launch.spec.kind, launch.processId);
  const labels = processLabels(launch);
  const metadata = { name, namespace: config.namespace, labels, ...(owner ? { ownerReferences: [reference(owner)] } : {}) };
  if (launch.spec.kind !== 'PREDICTOR') return { pod: { apiVersion: 'v1', kind: 'Pod', metadata, spec: podSpec(launch, config, 'Never') } };
  const selector = { [LABEL.name]: APP, [LABEL.process]: launch.processId };
  return {
    deployment: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: 1,
        // One frontend per process id at a time: its token names one process.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selector },
        template: { metadata: { labels }, spec: podSpec(launch, config, 'Always') },
      },
    },
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', protocol: 'TCP', port: FRONTEND_PORT, targetPort: FRONTEND_PORT }] },
    },
  };
}

function processLabels(launch: Launch): Record<string, string> {
  const { jobId, subJobId, trialId, inferenceJobId } = launch.labels;
  const job = jobId ?? inferenceJobId;
  return {
    [LABEL.name]: APP,
    [LABEL.kind]: kindSlug(launch.spec.kind),
    ...(job ? { [LABEL.job]: job } : {}),
    ...(subJobId ? { [LABEL.subJob]: subJobId } : {}),
    ...(trialId ? { [LABEL.trial]: trialId } : {}),
    [LABEL.process]: launch.processId,
  };
}

function reference(owner: Owner): V1OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid };
}

/**
 * The local sandbox as a pod: nobody's uid, no privilege, a read-only image,
 * no service-account token and no Service variables in its environment, and
 * writable space only in size-limited emptyDirs: `/tmp` and
 * `/rafiki/scratch` of a quarter of the memory each (as the sandbox's tmpfs),
 * and `/rafiki` for what the runner fetches.
 *
 * CPU: `limits.cpuSeconds` is a budget per trial, which the runner keeps as a
 * local worker's is kept (the clock restarts with each trial); Kubernetes only
 * bounds a rate, so each pod gets `cpu` cores, requested and limited alike:
 * with memory also requested at its limit the pod is Guaranteed, evicted last,
 * and a trial's time does not depend on its neighbours. `limits.processes` has
 * no pod field; the runner's process-tree watch keeps it, and the kubelet's
 * `podPidsLimit` bounds it from outside.
 */
function podSpec(launch: Launch, config: ObjectsConfig, restartPolicy: 'Never' | 'Always'): V1PodSpec {
  const { memoryBytes, wallSeconds } = launch.spec.limits;
  const quarter = String(Math.floor(memoryBytes / 4));
  const resources: Record<string, string> = { memory: String(memoryBytes), cpu: config.cpu };
  if (launch.gpus) resources['nvidia.com/gpu'] = String(launch.gpus);
  const container: V1Container = {
    name: 'process',
    image: config.image,
    imagePullPolicy: config.imagePullPolicy,
    command: launch.command,
    env: [
      { name: 'HOME', value: '/tmp' },
      { name: 'TMPDIR', value: '/tmp' },
      { name: 'NODE_ENV', value: 'production' },
    ],
    resources: { requests: resources, limits: resources },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: NOBODY,
      runAsGroup: NOBODY,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'files', mountPath: '/rafiki' },
      { name: 'scratch', mountPath: '/rafiki/scratch' },
    ],
    ...(launch.spec.kind === 'PREDICTOR'
      ? {
          ports: [{ name: 'http', containerPort: FRONTEND_PORT, protocol: 'TCP' }],
          readinessProbe: { tcpSocket: { port: FRONTEND_PORT }, periodSeconds: 2 },
        }
      : {}),
  };
  return {
    restartPolicy,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: GRACE_SECONDS,
    ...(wallSeconds !== undefined && restartPolicy === 'Never' ? { activeDeadlineSeconds: Math.ceil(wallSeconds) } : {}),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: NOBODY,
      runAsGroup: NOBODY,
      fsGroup: NOBODY,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [container],
    volumes: [
      { name: 'tmp', emptyDir: { sizeLimit: quarter } },
      { name: 'scratch', emptyDir: { sizeLimit: quarter } },
      { name: 'files', emptyDir: { sizeLimit: String(config.filesBytes) } },
    ],
  };
}

/** The policy names, one per role: train workers and checks, inference workers, frontends. */
export const POLICY_NAMES = ['rafiki-train-workers', 'rafiki-inference-workers', 'rafiki-frontends'] as const;

/**
 * The namespace's NetworkPolicies: nothing reaches a worker, and a worker
 * reaches only the Admin's worker endpoint, DNS and (inference workers) Redis;
 * frontends also take queries on their port. One per role rather than per
 * process: they select pods by `rafiki.io/kind`, so they are made once.
 */
export function networkPolicies(config: ObjectsConfig): V1NetworkPolicy[] {
  const dns: V1NetworkPolicyEgressRule = {
    to: [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    }],
    ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
  };
  const admin: V1NetworkPolicyEgressRule = { to: [peer(config.admin)], ports: [{ protocol: 'TCP', port: config.admin.port }] };
  const redis: V1NetworkPolicyEgressRule[] = config.redis ? [{ to: [peer(config.redis)], ports: [{ protocol: 'TCP', port: config.redis.port }] }] : [];
  const policy = (name: string, kinds: ProcessKind[], egress: V1NetworkPolicyEgressRule[], ingress: V1NetworkPolicyIngressRule[]): V1NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: config.namespace, labels: { [LABEL.name]: APP } },
    spec: {
      podSelector: {
        matchLabels: { [LABEL.name]: APP },
        matchExpressions: [{ key: LABEL.kind, operator: 'In', values: kinds.map(kindSlug) }],
      },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress,
    },
  });
  const [train, inference, frontends] = POLICY_NAMES;
  return [
    policy(train, ['TRAIN_WORKER', 'CHECK'], [admin, dns], []),
    policy(inference, ['INFERENCE_WORKER'], [admin, ...redis, dns], []),
    policy(frontends, ['PREDICTOR'], [admin, ...redis, dns], [{ ports: [{ protocol: 'TCP', port: FRONTEND_PORT }] }]),
  ];
}

function peer(to: Peer): V1NetworkPolicyPeer {
  return 'cidr' in to ? { ipBlock: { cidr: to.cidr } } : { podSelector: { matchLabels: to.podLabels } };
}
