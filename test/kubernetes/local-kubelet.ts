/**
 * What a cluster's controllers and kubelet do with the placer's objects, done
 * on this host for the stand-in API server (fake-api.ts): a Deployment gets
 * one pod, as its ReplicaSet would, and its pods go with it, as the garbage
 * collector would take them; a pod's container runs its command line here
 * (`bun` being this Bun, in the project's folder, with the container's
 * environment), its status follows the process, and a deleted pod's process
 * is ended. A container whose pod restarts it (`Always`) is run again once,
 * then waits in CrashLoopBackOff, as a kubelet's back-off would have it wait.
 * None of the pod's isolation is applied: the placement and the processes
 * are under test, not the cluster.
 *
 * @example
 * await using api = startFakeApi();
 * await using kubelet = startLocalKubelet(api);
 * await placer.place(launch);            // its runner now runs here
 * kubelet.kill(podName, 'SIGKILL');      // its container dies
 */
import { constants } from 'node:os';
import type { Subprocess } from 'bun';
import type { V1ContainerStatus, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { BUN, ROOT } from '../support/processes.ts';
import type { FakeApi, KubernetesObject } from './fake-api.ts';

/** How long a deleted pod's process has after SIGTERM, as a pod's terminationGracePeriodSeconds. */
const GRACE_MS = 5_000;

export interface LocalKubelet extends AsyncDisposable {
  /** The process running a pod's container now, if one does. */
  running(podName: string): Subprocess | undefined;
  /** Sends a signal to a pod's container's process, as a fault on its node would. */
  kill(podName: string, signal: NodeJS.Signals): void;
}

export function startLocalKubelet(api: FakeApi): LocalKubelet {
  const processes = new Map<string, Subprocess>();
  let stopped = false;

  const exists = (collection: string, name: string) => api.objects(collection).some((o) => o.metadata.name === name);
  const setStatus = (collection: string, name: string, status: V1Pod['status']) => {
    if (exists(collection, name)) api.setPodStatus(name, status!);
  };
  const containerStatus = (restartCount: number, state: V1ContainerStatus['state'], lastState?: V1ContainerStatus['lastState']): V1ContainerStatus => ({
    name: 'process', image: 'local', imageID: '', ready: state?.running !== undefined, restartCount, state, ...(lastState ? { lastState } : {}),
  });

  function run(collection: string, pod: V1Pod, restartCount: number, lastState?: V1ContainerStatus['lastState']): void {
    const name = pod.metadata!.name!;
    const container = pod.spec!.containers[0]!;
    const [command, ...args] = container.command!;
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? '']));
    const child = Bun.spawn([command === 'bun' ? BUN : command!, ...args], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdin: 'ignore', stdout: 'inherit', stderr: 'inherit',
    });
    processes.set(name, child);
    setStatus(collection, name, { phase: 'Running', containerStatuses: [containerStatus(restartCount, { running: {} }, lastState)] });
    void child.exited.then(() => {
      if (processes.get(name) === child) processes.delete(name);
      if (stopped || !exists(collection, name)) return;
      // As the kubelet reports it: a death by a signal is 128 + its number, with no signal field.
      const exitCode = child.exitCode ?? 128 + (child.signalCode ? constants.signals[child.signalCode as NodeJS.Signals] : 0);
      const terminated = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' };
      if (pod.spec!.restartPolicy !== 'Always') {
        setStatus(collection, name, { phase: exitCode === 0 ? 'Succeeded' : 'Failed', containerStatuses: [containerStatus(restartCount, { terminated })] });
      } else if (restartCount === 0) {
        run(collection, pod, 1, { terminated });
      } else {
        setStatus(collection, name, { phase: 'Running', containerStatuses: [containerStatus(restartCount, { waiting: { reason: 'CrashLoopBackOff' } }, { terminated })] });
      }
    });
  }

  function end(name: string): void {
    const child = processes.get(name);
    if (!child) return;
    processes.delete(name);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), GRACE_MS);
    void child.exited.then(() => clearTimeout(timer));
  }

  /** A Deployment's pod, named as a ReplicaSet names its pods. */
  async function replicate(namespace: string, deployment: V1Deployment): Promise<void> {
    const template = deployment.spec!.template;
    const body = { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${deployment.metadata!.name}-5d9c-local`, labels: template.metadata!.labels }, spec: template.spec };
    await fetch(`${api.url}/api/v1/namespaces/${namespace}/pods`, { method: 'POST', body: JSON.stringify(body) });
  }

  const selected = (selector: Record<string, string>, object: KubernetesObject) =>
    Object.entries(selector).every(([key, value]) => object.metadata.labels?.[key] === value);

  api.onChange((type, collection, object) => {
    if (stopped) return;
    const [namespace, resource] = collection.split('/') as [string, string];
    // After the change is recorded: what follows from it is a change of its own.
    queueMicrotask(() => {
      if (resource === 'pods' && type === 'ADDED') run(collection, object as unknown as V1Pod, 0);
      if (resource === 'pods' && type === 'DELETED') end(object.metadata.name);
      if (resource === 'deployments' && type === 'ADDED') void replicate(namespace, object as unknown as V1Deployment);
      if (resource === 'deployments' && type === 'DELETED') {
        const selector = (object as unknown as V1Deployment).spec!.selector.matchLabels!;
        for (const pod of api.objects(`${namespace}/pods`)) if (selected(selector, pod)) api.deleteAsSomeoneElse(`${namespace}/pods`, pod.metadata.name);
      }
    });
  });

  return {
    running: (name) => processes.get(name),
    kill(name, signal) {
      const child = processes.get(name);
      if (!child) throw new Error(`no process runs pod ${name}`);
      child.kill(signal);
    },
    async [Symbol.asyncDispose]() {
      stopped = true;
      const left = [...processes.values()];
      for (const child of left) child.kill('SIGKILL');
      await Promise.all(left.map((child) => child.exited));
    },
  };
}
