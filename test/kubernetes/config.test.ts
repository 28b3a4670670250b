import { expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placerOptions } from '../../src/admin/services/kubernetes/placer.ts';
import { placerFor, type Placer } from '../../src/admin/services/placement.ts';
import { ConfigError, loadConfig } from '../../src/common/config.ts';
import { startFakeApi } from './fake-api.ts';

const cluster = { RAFIKI_SERVICES: 'kubernetes', RAFIKI_K8S_IMAGE: 'registry.example.com/rafiki:1', RAFIKI_PROCESS_URL: 'http://rafiki-admin:3003' };

test('processes are local unless RAFIKI_SERVICES says kubernetes', () => {
  const config = loadConfig({});
  expect(config.services).toBe('local');
  expect(config.kubernetes).toBeUndefined();
  expect(loadConfig({ RAFIKI_K8S_IMAGE: 'ignored' }).kubernetes).toBeUndefined();
});

test('kubernetes needs the image and the address pods reach the Admin at', () => {
  expect(() => loadConfig({ RAFIKI_SERVICES: 'kubernetes', RAFIKI_PROCESS_URL: 'http://a:1' })).toThrow(new ConfigError('RAFIKI_K8S_IMAGE must be set with RAFIKI_SERVICES=kubernetes: the image the pods run (see deploy/kubernetes/)'));
  expect(() => loadConfig({ RAFIKI_SERVICES: 'kubernetes', RAFIKI_K8S_IMAGE: 'x' })).toThrow('RAFIKI_PROCESS_URL must be set with RAFIKI_SERVICES=kubernetes');
  expect(() => loadConfig({ ...cluster, RAFIKI_PROCESS_URL: 'tcp://a:1' })).toThrow('RAFIKI_PROCESS_URL must use http or https, got "tcp:"');
  expect(() => loadConfig({ RAFIKI_SERVICES: 'swarm' })).toThrow('RAFIKI_SERVICES must be one of local, agents, kubernetes, got "swarm"');
});

test('its settings have defaults, and a bad one is named', () => {
  expect(loadConfig(cluster).kubernetes).toEqual({
    namespace: 'rafiki', image: 'registry.example.com/rafiki:1', imagePullPolicy: 'IfNotPresent', workerCpu: '1',
    adminPod: undefined, adminCidr: undefined, redisCidr: undefined, clusterDomain: undefined,
  });
  expect(loadConfig({ ...cluster, RAFIKI_K8S_WORKER_CPU: '250m', RAFIKI_K8S_REDIS_CIDR: '10.1.2.3', RAFIKI_K8S_ADMIN_CIDR: '192.168.0.0/16' }).kubernetes)
    .toMatchObject({ workerCpu: '250m', redisCidr: '10.1.2.3/32', adminCidr: '192.168.0.0/16' });
  expect(() => loadConfig({ ...cluster, RAFIKI_K8S_WORKER_CPU: '0' })).toThrow('RAFIKI_K8S_WORKER_CPU must be a positive CPU quantity (e.g. 1, 0.5 or 500m), got "0"');
  expect(() => loadConfig({ ...cluster, RAFIKI_K8S_WORKER_CPU: '1 core' })).toThrow('RAFIKI_K8S_WORKER_CPU must be a positive CPU quantity');
  expect(() => loadConfig({ ...cluster, RAFIKI_K8S_IMAGE_PULL_POLICY: 'always' })).toThrow('RAFIKI_K8S_IMAGE_PULL_POLICY must be one of Always, IfNotPresent, Never, got "always"');
  expect(() => loadConfig({ ...cluster, RAFIKI_K8S_NAMESPACE: 'Rafiki_NS' })).toThrow('RAFIKI_K8S_NAMESPACE must be a Kubernetes name');
  expect(() => loadConfig({ ...cluster, RAFIKI_K8S_REDIS_CIDR: '10.0.0.0/8,10.1.0.0/16' })).toThrow('RAFIKI_K8S_REDIS_CIDR must be one IP address or CIDR block');
  expect(() => loadConfig({ ...cluster, RAFIKI_K8S_ADMIN_POD: 'rafiki-admin-0' })).toThrow('RAFIKI_K8S_ADMIN_POD and RAFIKI_K8S_ADMIN_POD_UID must be set together');
  expect(loadConfig({ ...cluster, RAFIKI_K8S_CLUSTER_DOMAIN: 'cluster.local' }).kubernetes?.clusterDomain).toBe('cluster.local');
  expect(() => loadConfig({ ...cluster, RAFIKI_K8S_CLUSTER_DOMAIN: '.cluster.local' }))
    .toThrow('RAFIKI_K8S_CLUSTER_DOMAIN must be a DNS domain (lower-case labels joined by dots, e.g. cluster.local), got ".cluster.local"');
});

test("the placer's objects follow the settings: ports from the URLs, peers by label or by address", () => {
  const inCluster = placerOptions(loadConfig({ ...cluster, REDIS_URL: 'redis://rafiki-redis', RAFIKI_K8S_ADMIN_POD: 'a-0', RAFIKI_K8S_ADMIN_POD_UID: 'u-1' }));
  expect(inCluster.admin).toEqual({ podLabels: { 'app.kubernetes.io/name': 'rafiki', 'app.kubernetes.io/component': 'admin' }, port: 3003 });
  expect(inCluster.redis).toEqual({ podLabels: { 'app.kubernetes.io/name': 'rafiki', 'app.kubernetes.io/component': 'redis' }, port: 6379 });
  expect(inCluster.adminPod).toEqual({ name: 'a-0', uid: 'u-1' });
  expect(inCluster.clusterDomain).toBeUndefined();
  expect(placerOptions(loadConfig({ ...cluster, RAFIKI_K8S_CLUSTER_DOMAIN: 'corp.internal' })).clusterDomain).toBe('corp.internal');

  const outside = placerOptions(loadConfig({
    ...cluster, RAFIKI_PROCESS_URL: 'https://rafiki.example.com', RAFIKI_K8S_ADMIN_CIDR: '203.0.113.7',
    REDIS_URL: 'https://eu1-redis.upstash.io', REDIS_TOKEN: 't', RAFIKI_K8S_REDIS_CIDR: '198.51.100.0/24',
  }));
  expect(outside.admin).toEqual({ cidr: '203.0.113.7/32', port: 443 });
  expect(outside.redis).toEqual({ cidr: '198.51.100.0/24', port: 443 });
  expect(placerOptions(loadConfig(cluster)).redis).toBeUndefined();
  expect(() => placerOptions(loadConfig({}))).toThrow('RAFIKI_SERVICES=kubernetes, RAFIKI_K8S_IMAGE and RAFIKI_PROCESS_URL must be set');
});

test('RAFIKI_SERVICES=local has no placer: the Admin starts its processes itself', async () => {
  expect(await placerFor(loadConfig({}))).toBeUndefined();
});

test('RAFIKI_SERVICES=kubernetes places pods on the cluster KUBECONFIG names', async () => {
  await using api = startFakeApi();
  const dir = mkdtempSync(join(tmpdir(), 'rafiki-kubeconfig-'));
  const file = join(dir, 'config');
  // The client speaks plain HTTP, as to the stand-in, only with TLS checks off.
  writeFileSync(file, `apiVersion: v1
kind: Config
clusters: [{ name: fake, cluster: { server: "${api.url}", insecure-skip-tls-verify: true } }]
users: [{ name: fake, user: {} }]
contexts: [{ name: fake, context: { cluster: fake, user: fake } }]
current-context: fake
`);
  const before = process.env.KUBECONFIG;
  process.env.KUBECONFIG = file;
  let placer: Placer | undefined;
  try {
    placer = await placerFor(loadConfig({ ...cluster, RAFIKI_K8S_NAMESPACE: 'team-a' }));
  } finally {
    if (before === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = before;
    rmSync(dir, { recursive: true, force: true });
  }
  try {
    expect(placer!.name).toBe('kubernetes');
    await placer!.place({
      processId: '00000000-0000-4000-8000-000000000001',
      command: ['bun', 'src/worker/remote-runner.ts'],
      spec: { kind: 'CHECK', run: { script: 'src/worker/check.ts' }, untrusted: true, limits: { memoryBytes: 64 << 20, processes: 8 } },
      labels: {},
    });
    expect(api.objects('team-a/pods').map((pod) => pod.metadata.name)).toEqual(['rafiki-check-00000000-0000-4000-8000-000000000001']);
  } finally {
    await placer?.close();
  }
});
