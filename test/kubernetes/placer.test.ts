/**
 * The Kubernetes placer against a stand-in API server (fake-api.ts): what it
 * creates, in which order and owned by what, what it deletes, and when it
 * says a process is gone. cluster.test.ts runs it against a real cluster.
 */
import { afterEach, beforeEach, expect, test } from 'bun:test';
import type { V1ConfigMap, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { FRONTEND_PORT } from '../../src/admin/services/kubernetes/objects.ts';
import { KubernetesPlacer } from '../../src/admin/services/kubernetes/placer.ts';
import type { Launch } from '../../src/admin/services/placement.ts';
import { waitUntil } from '../support/wait.ts';
import { startFakeApi, type FakeApi } from './fake-api.ts';
import { testObjectsConfig } from './test-config.ts';
import { problems } from './validate.ts';

const options = { ...testObjectsConfig({ adminPort: 3000 }), adminPod: { name: 'rafiki-admin-0', uid: '11111111-2222-4333-8444-555555555555' } };
const JOB = '0a0b0c0d-0000-4000-8000-00000000000a';

let api: FakeApi;
let placer: KubernetesPlacer;
let gone: [string, string][];

beforeEach(() => {
  api = startFakeApi();
  placer = new KubernetesPlacer(options, api.kubeConfig());
  gone = [];
  placer.onGone((processId, reason) => gone.push([processId, reason]));
});

afterEach(async () => {
  await placer.close();
  await api[Symbol.asyncDispose]();
});

function launch(kind: Launch['spec']['kind'], processId: string, labels: Launch['labels'] = { jobId: JOB, subJobId: 'sub', trialId: 'trial' }): Launch {
  return {
    processId,
    command: ['bun', 'src/worker/remote-runner.ts', '--admin', 'http://rafiki-admin:3003', '--token', `token-${processId}`],
    spec: { kind, run: { script: 'src/worker/train-worker.ts' }, untrusted: true, limits: { memoryBytes: 256 << 20, processes: 16 } },
    labels,
  };
}
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const podName = (kind: string, n: number) => `rafiki-${kind}-${id(n)}`;
const pods = () => api.objects('rafiki/pods') as unknown as V1Pod[];

test("a worker's pod is created after the namespace's policies and its job's ConfigMap, owned by it", async () => {
  // A pod is reached at no address of its placement's: where it connects from says where it is.
  expect(await placer.place(launch('TRAIN_WORKER', id(1)))).toBeUndefined();
  expect(api.requests.filter((r) => r.startsWith('POST'))).toEqual([
    'POST /apis/networking.k8s.io/v1/namespaces/rafiki/networkpolicies',
    'POST /apis/networking.k8s.io/v1/namespaces/rafiki/networkpolicies',
    'POST /apis/networking.k8s.io/v1/namespaces/rafiki/networkpolicies',
    'POST /api/v1/namespaces/rafiki/configmaps',
    'POST /api/v1/namespaces/rafiki/pods',
  ]);
  const [owner] = api.objects('rafiki/configmaps') as unknown as V1ConfigMap[];
  expect(owner!.metadata!.name).toBe(`rafiki-job-${JOB}`);
  expect(owner!.metadata!.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Pod', name: 'rafiki-admin-0', uid: options.adminPod.uid }]);
  const [pod] = pods();
  expect(pod!.metadata!.name).toBe(podName('train-worker', 1));
  expect(pod!.metadata!.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', name: `rafiki-job-${JOB}`, uid: owner!.metadata!.uid! }]);
  expect(pod!.spec!.containers[0]!.command).toEqual(launch('TRAIN_WORKER', id(1)).command);
  expect(problems(pod as never)).toEqual([]);

  await placer.place(launch('TRAIN_WORKER', id(2)));
  expect(api.objects('rafiki/configmaps')).toHaveLength(1);
  expect(api.requests.filter((r) => r.includes('networkpolicies'))).toHaveLength(3);
});

test('policies made by an earlier Admin are replaced by this one’s', async () => {
  await placer.place(launch('CHECK', id(1), {}));
  const second = new KubernetesPlacer({ ...options, admin: { ...options.admin, port: 4000 } }, api.kubeConfig());
  try {
    await second.place(launch('CHECK', id(2), {}));
    expect(api.requests.filter((r) => r.startsWith('PUT'))).toHaveLength(3);
    const policies = api.objects('rafiki/networkpolicies') as unknown as { spec: { egress: { ports: { port: number }[] }[] } }[];
    for (const policy of policies) expect(policy.spec.egress[0]!.ports).toEqual([{ protocol: 'TCP', port: 4000 } as never]);
    expect(api.objects('rafiki/configmaps')).toHaveLength(0);
  } finally {
    await second.close();
  }
});

test('a pod that fails is reported gone once, with why', async () => {
  await placer.place(launch('TRAIN_WORKER', id(1)));
  api.setPodStatus(podName('train-worker', 1), { phase: 'Running' });
  api.setPodStatus(podName('train-worker', 1), { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' });
  await waitUntil('the failure reported', async () => gone.length > 0);
  api.setPodStatus(podName('train-worker', 1), { phase: 'Failed', reason: 'Evicted', message: 'again' });
  api.deleteAsSomeoneElse('rafiki/pods', podName('train-worker', 1));
  // Events come in order on one watch: once the next process's end is heard, the first one's later events were too.
  await placer.place(launch('TRAIN_WORKER', id(2)));
  api.deleteAsSomeoneElse('rafiki/pods', podName('train-worker', 2));
  await waitUntil('the deletion reported', async () => gone.length > 1);
  expect(gone).toEqual([
    [id(1), 'Evicted: The node was low on resource: memory.'],
    [id(2), `its pod ${podName('train-worker', 2)} was deleted`],
  ]);
});

test('a removed process is not reported gone, and removing it again is no error', async () => {
  await placer.place(launch('INFERENCE_WORKER', id(1), { inferenceJobId: JOB }));
  await placer.remove(id(1));
  expect(pods()).toEqual([]);
  await placer.remove(id(1));
  await placer.place(launch('INFERENCE_WORKER', id(2), { inferenceJobId: JOB }));
  api.setPodStatus(podName('inference-worker', 2), { phase: 'Succeeded' });
  await waitUntil('the second one reported', async () => gone.length > 0);
  expect(gone).toEqual([[id(2), 'exited with code 0']]);
});

test("a frontend is a Deployment and a Service, reached at the Service, removed together; its pod's first failure is its end", async () => {
  const placed = await placer.place(launch('PREDICTOR', id(1), { inferenceJobId: JOB }));
  expect(placed).toEqual({ address: `${podName('predictor', 1)}.rafiki.svc`, servicePort: FRONTEND_PORT });
  const [deployment] = api.objects('rafiki/deployments') as unknown as V1Deployment[];
  expect(deployment!.metadata!.name).toBe(podName('predictor', 1));
  expect(api.objects('rafiki/services').map((s) => s.metadata.name)).toEqual([podName('predictor', 1)]);
  expect(pods()).toEqual([]);

  // The Deployment's pod, as its ReplicaSet would make it (the stand-in keeps no controllers).
  await fetch(`${api.url}/api/v1/namespaces/rafiki/pods`, {
    method: 'POST',
    body: JSON.stringify({ metadata: { name: `${podName('predictor', 1)}-5d9c-x7`, labels: deployment!.spec!.template.metadata!.labels }, spec: deployment!.spec!.template.spec }),
  });
  const frontendPod = `${podName('predictor', 1)}-5d9c-x7`;
  const container = { name: 'process', image: 'rafiki:test', imageID: '', ready: true };
  api.setPodStatus(frontendPod, { phase: 'Running', containerStatuses: [{ ...container, restartCount: 0, state: { running: {} } }] });
  // Its container ended and was started again: the pod runs, but the process it ran is gone (its runner's token is used).
  api.setPodStatus(frontendPod, { phase: 'Running', containerStatuses: [{ ...container, restartCount: 1, lastState: { terminated: { exitCode: 1 } }, state: { running: {} } }] });
  await waitUntil('the frontend reported', async () => gone.length > 0);
  api.setPodStatus(frontendPod, {
    phase: 'Running',
    containerStatuses: [{ ...container, ready: false, restartCount: 2, lastState: { terminated: { exitCode: 1 } }, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
  });

  await placer.remove(id(1));
  expect(api.objects('rafiki/deployments')).toEqual([]);
  expect(api.objects('rafiki/services')).toEqual([]);
  // Events come in order on one watch: once the next process's end is heard, the frontend's later ones were too.
  await placer.place(launch('TRAIN_WORKER', id(2)));
  api.deleteAsSomeoneElse('rafiki/pods', podName('train-worker', 2));
  await waitUntil('the worker reported', async () => gone.length > 1);
  expect(gone).toEqual([[id(1), 'exited with code 1'], [id(2), `its pod ${podName('train-worker', 2)} was deleted`]]);
});

test('a process whose objects could not all be made leaves none, and says why', async () => {
  api.failNext('POST /api/v1/namespaces/rafiki/services', 403);
  await expect(placer.place(launch('PREDICTOR', id(1), { inferenceJobId: JOB }))).rejects.toThrow(`could not place PREDICTOR ${id(1)}: 403 failed on purpose`);
  expect(api.objects('rafiki/deployments')).toEqual([]);
  expect(api.objects('rafiki/services')).toEqual([]);
});

test("a process this placer does not know (an earlier Admin's) is removed by its label", async () => {
  await placer.place(launch('TRAIN_WORKER', id(1)));
  const later = new KubernetesPlacer(options, api.kubeConfig());
  try {
    await later.remove(id(1));
    expect(pods()).toEqual([]);
    expect(api.requests).toContain('DELETE /api/v1/namespaces/rafiki/pods');
  } finally {
    await later.close();
  }
});

test("releasing a job deletes its ConfigMap, and its processes' ends are no longer reported", async () => {
  await placer.place(launch('TRAIN_WORKER', id(1)));
  await placer.place(launch('CHECK', id(2), {}));
  await placer.releaseJob(JOB);
  expect(api.objects('rafiki/configmaps')).toEqual([]);
  api.deleteAsSomeoneElse('rafiki/pods', podName('train-worker', 1));
  api.deleteAsSomeoneElse('rafiki/pods', podName('check', 2));
  await waitUntil('the check reported', async () => gone.length > 0);
  expect(gone).toEqual([[id(2), `its pod ${podName('check', 2)} was deleted`]]);
});

test('a launch it cannot place is refused before anything is made', async () => {
  await expect(placer.place(launch('INSTALL', id(1)))).rejects.toThrow('a INSTALL process is not placed on Kubernetes');
  expect(api.requests.filter((r) => !r.startsWith('GET'))).toEqual([]);
  await placer.place(launch('CHECK', id(2), {}));
  await expect(placer.place(launch('CHECK', id(2), {}))).rejects.toThrow(`process ${id(2)} is placed already`);
});

test('one process id is placed once, even when asked twice at once', async () => {
  const results = await Promise.allSettled([placer.place(launch('CHECK', id(1), {})), placer.place(launch('CHECK', id(1), {}))]);
  expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  expect(pods()).toHaveLength(1);
});

test('when the policies cannot be made nothing is placed, and the next place tries them again', async () => {
  api.failNext('POST /apis/networking.k8s.io/v1/namespaces/rafiki/networkpolicies', 403);
  await expect(placer.place(launch('CHECK', id(1), {}))).rejects.toThrow(`could not place CHECK ${id(1)}: 403 failed on purpose`);
  expect(pods()).toEqual([]);
  await placer.place(launch('CHECK', id(1), {}));
  expect(api.objects('rafiki/networkpolicies')).toHaveLength(3);
  expect(pods()).toHaveLength(1);
});
