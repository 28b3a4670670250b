import { describe, expect, test } from 'bun:test';
import type { V1LabelSelector, V1Pod } from '@kubernetes/client-node';
import {
  FRONTEND_PORT, NOBODY, checkLaunch, jobOwner, networkPolicies, processObjects, serviceAddress, type ObjectsConfig, type Owner,
} from '../../src/admin/services/kubernetes/objects.ts';
import type { Launch } from '../../src/admin/services/placement.ts';
import { problems } from './validate.ts';

const MB = 1024 * 1024;
const adminLabels = { 'app.kubernetes.io/name': 'rafiki', 'app.kubernetes.io/component': 'admin' };
const config: ObjectsConfig = {
  namespace: 'rafiki',
  image: 'ghcr.io/example/rafiki:1.0',
  imagePullPolicy: 'IfNotPresent',
  cpu: '1',
  admin: { podLabels: adminLabels, port: 3000 },
  redis: { cidr: '10.20.0.5/32', port: 6380 },
  filesBytes: 3 * 1024 * MB,
};
const owner: Owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'rafiki-job-7c0e', uid: '0b7b2a5e-1111-4c4c-9d9d-2f2f2f2f2f2f' };
const command = ['bun', 'src/worker/remote-runner.ts', '--admin', 'http://rafiki-admin:3003', '--token', 'ey.token'];

function launch(kind: Launch['spec']['kind'], more: Partial<Launch> = {}): Launch {
  return {
    processId: '5d1f6a0e-3c1b-4e8e-9a61-1c2d3e4f5a6b',
    command,
    spec: { kind, run: { script: 'src/worker/train-worker.ts' }, untrusted: kind !== 'PREDICTOR', limits: { memoryBytes: 2048 * MB, processes: 32, cpuSeconds: 3600 } },
    labels: { jobId: '7c0e', subJobId: '91aa', trialId: 'f00d' },
    ...more,
  };
}

function pod(l: Launch, o: Owner | null = owner): V1Pod {
  const objects = processObjects(l, config, o ?? undefined);
  if (!('pod' in objects)) throw new Error(`expected a Pod for ${l.spec.kind}`);
  return objects.pod;
}

describe('a train worker', () => {
  const worker = pod(launch('TRAIN_WORKER', { gpus: 2 }));
  const container = worker.spec!.containers[0]!;

  test('is a valid Pod', () => {
    expect(problems(worker as never)).toEqual([]);
  });

  test('runs the runner command line in the image, and is never restarted', () => {
    expect(container.image).toBe(config.image);
    expect(container.command).toEqual(command);
    expect(container.args).toBeUndefined();
    expect(worker.spec!.restartPolicy).toBe('Never');
  });

  test('is labelled with its kind, job, sub-job, trial and process', () => {
    expect(worker.metadata!.name).toBe('rafiki-train-worker-5d1f6a0e-3c1b-4e8e-9a61-1c2d3e4f5a6b');
    expect(worker.metadata!.labels).toEqual({
      'app.kubernetes.io/name': 'rafiki',
      'rafiki.io/kind': 'train-worker',
      'rafiki.io/job': '7c0e',
      'rafiki.io/sub-job': '91aa',
      'rafiki.io/trial': 'f00d',
      'rafiki.io/process': '5d1f6a0e-3c1b-4e8e-9a61-1c2d3e4f5a6b',
    });
  });

  test("is owned by its job's ConfigMap", () => {
    expect(worker.metadata!.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', name: owner.name, uid: owner.uid }]);
    expect(pod(launch('TRAIN_WORKER'), null).metadata!.ownerReferences).toBeUndefined();
  });

  test('requests what it is limited to: its memory, the CPU setting and its GPUs', () => {
    const expected = { memory: String(2048 * MB), cpu: '1', 'nvidia.com/gpu': '2' };
    expect(container.resources).toEqual({ requests: expected, limits: expected });
    expect(pod(launch('TRAIN_WORKER', { gpus: 0 })).spec!.containers[0]!.resources!.limits).toEqual({ memory: String(2048 * MB), cpu: '1' });
  });

  test('runs as the sandbox would: nobody, no privilege, read-only image, no token, seccomp', () => {
    expect(worker.spec!.automountServiceAccountToken).toBe(false);
    expect(worker.spec!.enableServiceLinks).toBe(false);
    expect(worker.spec!.hostNetwork).toBeUndefined();
    expect(worker.spec!.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: NOBODY, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: NOBODY,
      runAsGroup: NOBODY,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('writes only to emptyDirs: /tmp and scratch of a quarter of its memory each, and room for its files', () => {
    expect(container.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'files', mountPath: '/rafiki' },
      { name: 'scratch', mountPath: '/rafiki/scratch' },
    ]);
    expect(worker.spec!.volumes).toEqual([
      { name: 'tmp', emptyDir: { sizeLimit: String(512 * MB) } },
      { name: 'scratch', emptyDir: { sizeLimit: String(512 * MB) } },
      { name: 'files', emptyDir: { sizeLimit: String(config.filesBytes) } },
    ]);
  });

  test('a wall-time limit is the pod’s deadline', () => {
    const check = launch('CHECK', { labels: {} });
    check.spec.limits.wallSeconds = 20;
    const checkPod = pod(check, null);
    expect(problems(checkPod as never)).toEqual([]);
    expect(checkPod.spec!.activeDeadlineSeconds).toBe(20);
    expect(checkPod.metadata!.labels!['rafiki.io/job']).toBeUndefined();
    expect(worker.spec!.activeDeadlineSeconds).toBeUndefined();
  });
});

describe('an inference worker', () => {
  const worker = pod(launch('INFERENCE_WORKER', { labels: { inferenceJobId: 'ab12', trialId: 'f00d' } }));
  const labels = worker.metadata!.labels!;

  test('is a valid Pod, never restarted, labelled with its inference job and trial', () => {
    expect(problems(worker as never)).toEqual([]);
    expect(worker.metadata!.name).toBe('rafiki-inference-worker-5d1f6a0e-3c1b-4e8e-9a61-1c2d3e4f5a6b');
    expect(worker.spec!.restartPolicy).toBe('Never');
    expect(labels).toEqual({
      'app.kubernetes.io/name': 'rafiki',
      'rafiki.io/kind': 'inference-worker',
      'rafiki.io/job': 'ab12',
      'rafiki.io/trial': 'f00d',
      'rafiki.io/process': '5d1f6a0e-3c1b-4e8e-9a61-1c2d3e4f5a6b',
    });
  });

  test('requests what its spec limits it to', () => {
    const expected = { memory: String(2048 * MB), cpu: '1' };
    expect(worker.spec!.containers[0]!.resources).toEqual({ requests: expected, limits: expected });
  });

  test("is selected by the inference workers' policy alone: it reaches the Admin's process port, Redis and DNS, and nothing reaches it", () => {
    const selecting = networkPolicies(config).filter((p) => selects(p.spec!.podSelector!, labels));
    expect(selecting.map((p) => p.metadata!.name)).toEqual(['rafiki-inference-workers']);
    expect(selecting[0]!.spec!.egress).toEqual([
      { to: [{ podSelector: { matchLabels: adminLabels } }], ports: [{ protocol: 'TCP', port: 3000 }] },
      { to: [{ ipBlock: { cidr: '10.20.0.5/32' } }], ports: [{ protocol: 'TCP', port: 6380 }] },
      expect.objectContaining({ ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }),
    ]);
    expect(selecting[0]!.spec!.ingress).toEqual([]);
  });
});

describe('a frontend', () => {
  const objects = processObjects(launch('PREDICTOR', { labels: { inferenceJobId: 'ab12' } }), config, owner);
  if (!('deployment' in objects)) throw new Error('expected a Deployment');
  const { deployment, service } = objects;

  test('is a valid Deployment of one pod, and a valid Service', () => {
    expect(problems(deployment as never)).toEqual([]);
    expect(problems(service as never)).toEqual([]);
    expect(deployment.spec!.replicas).toBe(1);
    expect(deployment.spec!.strategy).toEqual({ type: 'Recreate' });
    expect(deployment.spec!.template.spec!.restartPolicy).toBe('Always');
  });

  test('its Service selects its pods and only them, on the frontend port', () => {
    const podLabels = deployment.spec!.template.metadata!.labels!;
    expect(selects({ matchLabels: service.spec!.selector! }, podLabels)).toBe(true);
    expect(selects({ matchLabels: service.spec!.selector! }, { ...podLabels, 'rafiki.io/process': 'another' })).toBe(false);
    expect(selects(deployment.spec!.selector, podLabels)).toBe(true);
    expect(service.spec!.ports).toEqual([{ name: 'http', protocol: 'TCP', port: FRONTEND_PORT, targetPort: FRONTEND_PORT }]);
    expect(deployment.spec!.template.spec!.containers[0]!.ports).toEqual([{ name: 'http', containerPort: FRONTEND_PORT, protocol: 'TCP' }]);
  });

  test("is reached at its Service's DNS name, on the port the Service targets and its pod listens on", () => {
    const address = serviceAddress('5d1f6a0e-3c1b-4e8e-9a61-1c2d3e4f5a6b', config);
    expect(address).toBe(`${service.metadata!.name}.${service.metadata!.namespace}.svc`);
    expect(address).toBe('rafiki-predictor-5d1f6a0e-3c1b-4e8e-9a61-1c2d3e4f5a6b.rafiki.svc');
    expect(serviceAddress('5d1f6a0e-3c1b-4e8e-9a61-1c2d3e4f5a6b', { ...config, clusterDomain: 'cluster.local' }))
      .toBe('rafiki-predictor-5d1f6a0e-3c1b-4e8e-9a61-1c2d3e4f5a6b.rafiki.svc.cluster.local');
    const container = deployment.spec!.template.spec!.containers[0]!;
    expect(service.spec!.ports![0]!.targetPort).toBe(FRONTEND_PORT);
    expect(container.ports![0]!.containerPort).toBe(FRONTEND_PORT);
    expect(container.readinessProbe).toEqual({ tcpSocket: { port: FRONTEND_PORT }, periodSeconds: 2 });
    // A Service's name is a DNS label (RFC 1035): a letter first, at most 63 characters.
    expect(service.metadata!.name).toMatch(/^[a-z][-a-z0-9]{0,61}[a-z0-9]$/);
  });

  test('its pod runs the runner with the frontend’s labels, and has no deadline: a wall-time limit is the runner’s to keep', () => {
    const timed = launch('PREDICTOR', { labels: { inferenceJobId: 'ab12' } });
    timed.spec.limits.wallSeconds = 60;
    const objects = processObjects(timed, config, owner);
    if (!('deployment' in objects)) throw new Error('expected a Deployment');
    const template = objects.deployment.spec!.template;
    expect(template.spec!.activeDeadlineSeconds).toBeUndefined();
    expect(template.spec!.containers[0]!.command).toEqual(command);
    expect(template.metadata!.labels).toEqual({
      'app.kubernetes.io/name': 'rafiki',
      'rafiki.io/kind': 'predictor',
      'rafiki.io/job': 'ab12',
      'rafiki.io/process': '5d1f6a0e-3c1b-4e8e-9a61-1c2d3e4f5a6b',
    });
  });

  test('both are owned by the job and hardened like a worker', () => {
    for (const object of [deployment, service]) expect(object.metadata!.ownerReferences![0]!.uid).toBe(owner.uid);
    const spec = deployment.spec!.template.spec!;
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.containers[0]!.securityContext).toMatchObject({ readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });
});

describe("a job's ConfigMap", () => {
  test("is owned by the Admin's pod when there is one", () => {
    const map = jobOwner(config, '7c0e', { name: 'rafiki-admin-5f7d-x2x', uid: 'aaaa-bbbb' });
    expect(problems(map as never)).toEqual([]);
    expect(map.metadata!.name).toBe('rafiki-job-7c0e');
    expect(map.metadata!.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Pod', name: 'rafiki-admin-5f7d-x2x', uid: 'aaaa-bbbb' }]);
    expect(jobOwner(config, '7c0e').metadata!.ownerReferences).toBeUndefined();
  });
});

describe('the NetworkPolicies', () => {
  const policies = networkPolicies(config);
  const byName = Object.fromEntries(policies.map((p) => [p.metadata!.name!, p.spec!]));
  const kinds = ['CHECK', 'TRAIN_WORKER', 'INFERENCE_WORKER', 'PREDICTOR'] as const;
  const dns = {
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
  };
  const admin = { to: [{ podSelector: { matchLabels: adminLabels } }], ports: [{ protocol: 'TCP', port: 3000 }] };
  const redis = { to: [{ ipBlock: { cidr: '10.20.0.5/32' } }], ports: [{ protocol: 'TCP', port: 6380 }] };

  test('are valid', () => {
    for (const policy of policies) expect(problems(policy as never)).toEqual([]);
  });

  test('select every placed pod, each by exactly one policy that restricts both ways', () => {
    for (const kind of kinds) {
      const labels = pod(launch(kind === 'PREDICTOR' ? 'TRAIN_WORKER' : kind)).metadata!.labels!;
      const podLabels = kind === 'PREDICTOR' ? { ...labels, 'rafiki.io/kind': 'predictor' } : labels;
      const selecting = policies.filter((p) => selects(p.spec!.podSelector!, podLabels));
      expect(selecting.map((p) => p.spec!.policyTypes)).toEqual([['Ingress', 'Egress']]);
    }
    expect(policies.some((p) => selects(p.spec!.podSelector!, { 'app.kubernetes.io/name': 'rafiki', 'app.kubernetes.io/component': 'admin' }))).toBe(false);
  });

  test('train workers and checks reach the Admin and DNS only, and nothing reaches them', () => {
    expect(byName['rafiki-train-workers']!.egress).toEqual([admin, dns]);
    expect(byName['rafiki-train-workers']!.ingress).toEqual([]);
  });

  test('inference workers also reach Redis; frontends too, and take queries on their port', () => {
    expect(byName['rafiki-inference-workers']!.egress).toEqual([admin, redis, dns]);
    expect(byName['rafiki-inference-workers']!.ingress).toEqual([]);
    expect(byName['rafiki-frontends']!.egress).toEqual([admin, redis, dns]);
    expect(byName['rafiki-frontends']!.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: FRONTEND_PORT }] }]);
  });

  test('without Redis no one reaches it; an Admin outside the cluster is reached by its address', () => {
    const outside = networkPolicies({ ...config, redis: undefined, admin: { cidr: '192.168.1.10/32', port: 443 } });
    for (const policy of outside) {
      expect(policy.spec!.egress![0]).toEqual({ to: [{ ipBlock: { cidr: '192.168.1.10/32' } }], ports: [{ protocol: 'TCP', port: 443 }] });
      expect(policy.spec!.egress).toHaveLength(2);
    }
  });
});

describe('a launch that cannot be placed', () => {
  test('is refused, naming what is wrong', () => {
    expect(() => checkLaunch(launch('INSTALL'))).toThrow('a INSTALL process is not placed on Kubernetes');
    const networked = launch('TRAIN_WORKER');
    networked.spec.network = true;
    expect(() => processObjects(networked, config)).toThrow('spec.network');
    expect(() => checkLaunch(launch('TRAIN_WORKER', { processId: 'Not_A_Name' }))).toThrow('processId must be a lower-case uuid, got "Not_A_Name"');
    expect(() => checkLaunch(launch('TRAIN_WORKER', { labels: { jobId: 'Job 1' } }))).toThrow('labels.jobId must be a lower-case id of at most 63 characters (a uuid), got "Job 1"');
    expect(() => checkLaunch(launch('TRAIN_WORKER', { gpus: 1.5 }))).toThrow('gpus must be a whole number from 0, got 1.5');
    const tiny = launch('TRAIN_WORKER');
    tiny.spec.limits.memoryBytes = 0;
    expect(() => checkLaunch(tiny)).toThrow('spec.limits.memoryBytes must be a positive whole number, got 0');
  });
});

/** Whether a label selector selects these labels, as the API server reads one. */
function selects(selector: V1LabelSelector, labels: Record<string, string>): boolean {
  const matched = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return matched && (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key];
    if (operator === 'In') return value !== undefined && values.includes(value);
    if (operator === 'NotIn') return value === undefined || !values.includes(value);
    if (operator === 'Exists') return value !== undefined;
    return value === undefined;
  });
}
