import { expect, test } from 'bun:test';
import type { V1Pod, V1PodStatus } from '@kubernetes/client-node';
import { deletedReason, goneReason } from '../../src/admin/services/kubernetes/pod-status.ts';

function pod(status: V1PodStatus, restartPolicy: 'Never' | 'Always' = 'Never'): V1Pod {
  return { metadata: { name: 'rafiki-train-worker-1' }, spec: { restartPolicy, containers: [{ name: 'process' }] }, status };
}
const container = (state: NonNullable<V1PodStatus['containerStatuses']>[number]['state'], more = {}) =>
  ({ containerStatuses: [{ name: 'process', image: 'i', imageID: '', ready: false, restartCount: 0, state, ...more }] });

test('a pending or running pod is not gone', () => {
  expect(goneReason(pod({ phase: 'Pending' }))).toBeNull();
  expect(goneReason(pod({ phase: 'Pending', ...container({ waiting: { reason: 'ContainerCreating' } }) }))).toBeNull();
  expect(goneReason(pod({ phase: 'Running', ...container({ running: {} }) }))).toBeNull();
});

test('a failed pod is gone with its container’s end, or the pod’s reason', () => {
  expect(goneReason(pod({ phase: 'Failed', ...container({ terminated: { exitCode: 137, reason: 'OOMKilled' } }) }))).toBe('exited with code 137 (OOMKilled)');
  expect(goneReason(pod({ phase: 'Failed', ...container({ terminated: { exitCode: 1, reason: 'Error' } }) }))).toBe('exited with code 1');
  expect(goneReason(pod({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }))).toBe('Evicted: The node was low on resource: memory.');
  expect(goneReason(pod({ phase: 'Failed', reason: 'DeadlineExceeded' }))).toBe('DeadlineExceeded');
});

test('a pod that ended by itself is gone', () => {
  expect(goneReason(pod({ phase: 'Succeeded', ...container({ terminated: { exitCode: 0, reason: 'Completed' } }) }))).toBe('exited with code 0');
});

test('a pod that can never start is gone', () => {
  expect(goneReason(pod({ phase: 'Pending', ...container({ waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x"' } }) })))
    .toBe('could not start: ImagePullBackOff: Back-off pulling image "x"');
});

test("a frontend's container that ended once is gone, though its pod restarts it", () => {
  const restarted = pod({ phase: 'Running', ...container({ waiting: { reason: 'CrashLoopBackOff' } }, { restartCount: 1, lastState: { terminated: { exitCode: 2 } } }) }, 'Always');
  expect(goneReason(restarted)).toBe('exited with code 2');
});

test('a deleted pod is gone, with its eviction’s words when it was evicted', () => {
  expect(deletedReason(pod({ phase: 'Running' }))).toBe('its pod rafiki-train-worker-1 was deleted');
  expect(deletedReason(pod({ phase: 'Failed', reason: 'Evicted', message: 'disk' }))).toBe('Evicted: disk');
});
