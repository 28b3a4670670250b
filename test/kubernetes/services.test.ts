/**
 * RAFIKI_SERVICES=kubernetes's services, whole: RemoteServices placing through
 * the Kubernetes placer, the Admin's process port, and for each process the
 * remote runner its pod runs, which connects back with its token. The API
 * server is the stand-in (fake-api.ts) and the pods run on this host
 * (local-kubelet.ts); cluster.test.ts places real pods. The contract's
 * behaviour suite runs on it unchanged; then what placing on Kubernetes adds:
 * a frontend reached at its Service, an inference worker's pod, and a
 * frontend whose container ends.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { join } from 'node:path';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { TokenIssuer } from '../../src/admin/auth/tokens.ts';
import { FRONTEND_PORT } from '../../src/admin/services/kubernetes/objects.ts';
import { KubernetesPlacer } from '../../src/admin/services/kubernetes/placer.ts';
import { placedKinds } from '../../src/admin/services/open-services.ts';
import { ProcessLinks } from '../../src/admin/services/remote/process-links.ts';
import { RemoteServices } from '../../src/admin/services/remote/remote-services.ts';
import { LocalServices } from '../../src/common/services/local.ts';
import { unsandboxed } from '../../src/common/services/sandbox.ts';
import { servicesSuite, spawnProbe } from '../../src/common/services/services-suite.ts';
import { ROOT } from '../support/processes.ts';
import { TEST_KEYS } from '../support/tokens.ts';
import { waitUntil } from '../support/wait.ts';
import { startFakeApi, type FakeApi } from './fake-api.ts';
import { testObjectsConfig } from './test-config.ts';
import { startLocalKubelet, type LocalKubelet } from './local-kubelet.ts';

setDefaultTimeout(60_000);

const MB = 1024 * 1024;
const JOB = '0a0b0c0d-0000-4000-8000-00000000000b';
const TRIAL = '0a0b0c0d-0000-4000-8000-0000000000c1';
const PROBE = join(ROOT, 'src/common/services/fixtures/probe.ts');
const options = testObjectsConfig({ adminPort: 3003 });

describe('remote services placed by the Kubernetes placer, their pods run on this host', () => {
  let issuer: TokenIssuer;
  let links: ProcessLinks;
  let api: FakeApi;
  let kubelet: LocalKubelet;
  let placer: KubernetesPlacer;
  let services: RemoteServices;

  beforeAll(async () => {
    issuer = await TokenIssuer.create(TEST_KEYS, 3600);
    links = new ProcessLinks({ host: '127.0.0.1', port: 0, verify: (token) => issuer.verifyProcess(token) });
    links.start();
    api = startFakeApi();
    kubelet = startLocalKubelet(api);
    placer = new KubernetesPlacer(options, api.kubeConfig());
    services = new RemoteServices({
      placer, links, local: new LocalServices({ sandbox: unsandboxed, watchEveryMs: 50 }), kinds: placedKinds({ services: 'kubernetes' }),
      issueToken: (claims, ttl) => issuer.issueProcess(claims, ttl), sandbox: 'off', placementIsolates: true, startTimeoutMs: 30_000,
    });
  });
  afterAll(async () => {
    await placer?.close();
    await kubelet?.[Symbol.asyncDispose]();
    await api?.[Symbol.asyncDispose]();
    await links?.stop();
  });

  const deployments = () => api.objects('rafiki/deployments') as unknown as V1Deployment[];
  const pods = (kind?: string) => (api.objects('rafiki/pods') as unknown as V1Pod[]).filter((p) => kind === undefined || p.metadata!.labels!['rafiki.io/kind'] === kind);
  const processIdOf = (object: V1Deployment | V1Pod) => object.metadata!.labels!['rafiki.io/process']!;
  const frontend = (labels = { inferenceJobId: JOB }) => spawnProbe(services, { memoryBytes: 1024 * MB, processes: 32 }, { kind: 'PREDICTOR', untrusted: false, labels });

  servicesSuite(() => services);

  test("a frontend is reached at its Service's name and port; stopping it deletes its Deployment and Service", async () => {
    const { process: placed, probe } = await frontend();
    const [deployment] = deployments();
    const processId = processIdOf(deployment!);
    expect(placed.address).toBe(`rafiki-predictor-${processId}.rafiki.svc`);
    expect(placed.servicePort).toBe(FRONTEND_PORT);
    expect(api.objects('rafiki/services').map((s) => s.metadata.name)).toEqual([`rafiki-predictor-${processId}`]);
    expect(await probe.double(new Float32Array([1.5]))).toEqual(new Float32Array([3]));

    expect(await placed.stop()).toMatchObject({ requested: true, reason: 'stopped' });
    await waitUntil('its objects deleted', async () => deployments().length === 0 && api.objects('rafiki/services').length === 0 && pods().length === 0);
  });

  test('an inference worker is a pod of its own, labelled with its job and trial, reached at no address', async () => {
    const { process: worker, probe } = await spawnProbe(services, { memoryBytes: 512 * MB, processes: 32 }, {
      kind: 'INFERENCE_WORKER', untrusted: false, labels: { inferenceJobId: JOB, trialId: TRIAL },
    });
    const [pod] = pods('inference-worker');
    expect(pod!.metadata!.name).toBe(`rafiki-inference-worker-${processIdOf(pod!)}`);
    expect(pod!.metadata!.labels).toMatchObject({ 'rafiki.io/kind': 'inference-worker', 'rafiki.io/job': JOB, 'rafiki.io/trial': TRIAL });
    expect(pod!.spec!.containers[0]!.resources!.limits).toEqual({ memory: String(512 * MB), cpu: '500m' });
    expect(worker.address).toBeUndefined();
    expect(worker.servicePort).toBeUndefined();
    expect(await probe.callHost(3)).toBe(10);
    await worker.stop();
    await waitUntil('its pod deleted', async () => pods().length === 0);
  });

  test("a frontend whose container ends has ended: it is not taken back when its pod restarts it, and its objects are deleted", async () => {
    const { process: placed } = await frontend();
    const [pod] = pods('predictor');
    kubelet.kill(pod!.metadata!.name!, 'SIGKILL');
    const info = await placed.wait();
    expect(info.requested).toBe(false);
    // Whichever the Admin hears first: the runner's link closing, or the pod's status.
    expect(info.reason).toMatch(/^(lost contact with its host|exited with code 137)$/);
    expect(placed.status()).toBe('EXITED');
    await waitUntil('its objects deleted', async () => deployments().length === 0 && api.objects('rafiki/services').length === 0 && pods().length === 0);
  });
});
