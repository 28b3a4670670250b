/**
 * The Kubernetes placer against a real cluster: runs only when KUBECONFIG is
 * set (kind works: `kind create cluster`, then KUBECONFIG=~/.kube/config).
 * It makes a namespace of its own, places pods, and a frontend's Deployment
 * and Service, of a small image in it (RAFIKI_K8S_TEST_IMAGE, busybox by
 * default: the pods' command here is not Rafiki's runner, only the placement
 * is under test), and deletes the namespace at the end.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { ApiException, AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { KubernetesPlacer } from '../../src/admin/services/kubernetes/placer.ts';
import type { Launch } from '../../src/admin/services/placement.ts';
import { waitUntil } from '../support/wait.ts';

const configured = Boolean(process.env.KUBECONFIG);
if (!configured) console.warn('cluster.test.ts: skipped, KUBECONFIG is not set (set it to a cluster, e.g. kind\'s, to place real pods)');
setDefaultTimeout(240_000);

describe.skipIf(!configured)('on the cluster of KUBECONFIG', () => {
  const namespace = `rafiki-placer-test-${crypto.randomUUID().slice(0, 8)}`;
  const image = process.env.RAFIKI_K8S_TEST_IMAGE ?? 'busybox:1.36';
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let placer: KubernetesPlacer;
  const gone: [string, string][] = [];

  beforeAll(async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromDefault();
    core = kubeConfig.makeApiClient(CoreV1Api);
    apps = kubeConfig.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    placer = new KubernetesPlacer({
      namespace,
      image,
      imagePullPolicy: 'IfNotPresent',
      cpu: '100m',
      admin: { podLabels: { 'app.kubernetes.io/name': 'rafiki', 'app.kubernetes.io/component': 'admin' }, port: 3000 },
      redis: undefined,
      filesBytes: 64 << 20,
    }, kubeConfig);
    placer.onGone((processId, reason) => gone.push([processId, reason]));
  });

  afterAll(async () => {
    await placer?.close();
    await core?.deleteNamespace({ name: namespace }).catch(() => {});
  });

  const launch = (processId: string, command: string[], kind: Launch['spec']['kind'] = 'TRAIN_WORKER'): Launch => ({
    processId,
    command,
    spec: { kind, run: { script: 'src/worker/train-worker.ts' }, untrusted: kind !== 'PREDICTOR', limits: { memoryBytes: 64 << 20, processes: 16 } },
    labels: kind === 'TRAIN_WORKER' ? { jobId: 'cluster-test', subJobId: 'sub', trialId: 'trial' } : { inferenceJobId: 'cluster-test', ...(kind === 'INFERENCE_WORKER' ? { trialId: 'trial' } : {}) },
  });
  const podOf = (processId: string, kind = 'train-worker') => core.readNamespacedPod({ namespace, name: `rafiki-${kind}-${processId}` });
  const missing = (read: Promise<unknown>) => read.then(() => false, (error) => error instanceof ApiException && error.code === 404);
  const podsOf = async (processId: string) => (await core.listNamespacedPod({ namespace, labelSelector: `rafiki.io/process=${processId}` })).items;

  test('a placed pod is created, owned by its job, and deleted when removed', async () => {
    const processId = crypto.randomUUID();
    await placer.place(launch(processId, ['sleep', '600']));
    const pod = await podOf(processId);
    expect(pod.metadata!.labels!['rafiki.io/process']).toBe(processId);
    expect(pod.metadata!.ownerReferences![0]!.name).toBe('rafiki-job-cluster-test');
    await waitUntil('the pod running', async () => (await podOf(processId)).status?.phase === 'Running', 180_000, 1_000);
    await placer.remove(processId);
    await waitUntil('the pod deleted', async () => missing(podOf(processId)), 60_000, 1_000);
    expect(gone.filter(([id]) => id === processId)).toEqual([]);
  });

  test('a pod whose process fails is reported gone', async () => {
    const processId = crypto.randomUUID();
    await placer.place(launch(processId, ['sh', '-c', 'exit 3']));
    await waitUntil('the failure reported', async () => gone.some(([id]) => id === processId), 180_000, 500);
    expect(gone.find(([id]) => id === processId)).toEqual([processId, 'exited with code 3']);
    await placer.remove(processId);
  });

  test("an inference worker's pod carries its inference job and trial", async () => {
    const processId = crypto.randomUUID();
    await placer.place(launch(processId, ['sleep', '600'], 'INFERENCE_WORKER'));
    const pod = await podOf(processId, 'inference-worker');
    expect(pod.metadata!.labels).toMatchObject({ 'rafiki.io/kind': 'inference-worker', 'rafiki.io/job': 'cluster-test', 'rafiki.io/trial': 'trial' });
    await waitUntil('the pod running', async () => (await podOf(processId, 'inference-worker')).status?.phase === 'Running', 180_000, 1_000);
    await placer.remove(processId);
    expect(gone.filter(([id]) => id === processId)).toEqual([]);
  });

  test("a frontend is a Deployment's one pod behind a Service, reached at the Service's name; removing it deletes them", async () => {
    const processId = crypto.randomUUID();
    const name = `rafiki-predictor-${processId}`;
    const placed = await placer.place(launch(processId, ['sleep', '600'], 'PREDICTOR'));
    expect(placed).toEqual({ address: `${name}.${namespace}.svc`, servicePort: 8080 });
    const service = await core.readNamespacedService({ namespace, name });
    expect(service.spec!.ports).toMatchObject([{ port: 8080, targetPort: 8080 }]);
    expect(service.spec!.clusterIP).toBeTruthy();
    await waitUntil("the Deployment's pod running", async () => (await podsOf(processId)).some((pod) => pod.status?.phase === 'Running'), 180_000, 1_000);
    expect((await podsOf(processId)).map((pod) => pod.metadata!.labels!['rafiki.io/kind'])).toEqual(['predictor']);
    await placer.remove(processId);
    await waitUntil('its Deployment and Service deleted', async () =>
      (await missing(apps.readNamespacedDeployment({ namespace, name }))) && missing(core.readNamespacedService({ namespace, name })), 60_000, 1_000);
    await waitUntil('its pod deleted', async () => (await podsOf(processId)).length === 0, 120_000, 1_000);
    expect(gone.filter(([id]) => id === processId)).toEqual([]);
  });

  test("a frontend whose container ends is reported gone at its first end, though its pod restarts it", async () => {
    const processId = crypto.randomUUID();
    await placer.place(launch(processId, ['sh', '-c', 'exit 3'], 'PREDICTOR'));
    await waitUntil('the end reported', async () => gone.some(([id]) => id === processId), 180_000, 500);
    expect(gone.filter(([id]) => id === processId)).toEqual([[processId, 'exited with code 3']]);
    await placer.remove(processId);
  });
});
