/**
 * Whether a pod's process is gone, read from the pod's status: failed,
 * ended, or never able to start. A frontend's pod restarts its container
 * (its Deployment wants it so), so for it a container that ended once counts.
 */
import type { V1ContainerStateTerminated, V1Pod } from '@kubernetes/client-node';

/** Waiting reasons that do not pass by themselves: the process will never start. */
const STUCK = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/**
 * Why a pod's process is gone, or null while it is pending or running.
 *
 * @example
 * goneReason(pod) // → "exited with code 137 (OOMKilled)", "Evicted: The node was low on resource: memory.", null
 */
export function goneReason(pod: V1Pod): string | null {
  const status = pod.status;
  const container = status?.containerStatuses?.[0];
  const terminated = container?.state?.terminated ?? (pod.spec?.restartPolicy === 'Always' ? container?.lastState?.terminated : undefined);
  if (status?.phase === 'Failed') {
    if (status.reason) return status.message ? `${status.reason}: ${status.message}` : status.reason;
    return terminated ? ended(terminated) : 'failed';
  }
  if (status?.phase === 'Succeeded') return terminated ? ended(terminated) : 'exited with code 0';
  if (terminated) return ended(terminated);
  const waiting = container?.state?.waiting;
  if (waiting?.reason && STUCK.has(waiting.reason)) return `could not start: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
  return null;
}

/** Why a pod that was deleted is gone: its eviction's words when it was evicted. */
export function deletedReason(pod: V1Pod): string {
  return goneReason(pod) ?? `its pod ${pod.metadata?.name ?? '(unnamed)'} was deleted`;
}

function ended(terminated: V1ContainerStateTerminated): string {
  const detail = terminated.reason && terminated.reason !== 'Completed' && terminated.reason !== 'Error' ? ` (${terminated.reason})` : '';
  return terminated.signal ? `killed by signal ${terminated.signal}${detail}` : `exited with code ${terminated.exitCode}${detail}`;
}
