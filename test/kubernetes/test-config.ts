/** The objects' settings the Kubernetes tests place with: the manifests' labels for the Admin and Redis, and an image that is never pulled. */
import type { ObjectsConfig } from '../../src/admin/services/kubernetes/objects.ts';

export function testObjectsConfig({ adminPort }: { adminPort: number }): ObjectsConfig {
  return {
    namespace: 'rafiki',
    image: 'rafiki:test',
    imagePullPolicy: 'Never',
    cpu: '500m',
    admin: { podLabels: { 'app.kubernetes.io/name': 'rafiki', 'app.kubernetes.io/component': 'admin' }, port: adminPort },
    redis: { podLabels: { 'app.kubernetes.io/name': 'rafiki', 'app.kubernetes.io/component': 'redis' }, port: 6379 },
    filesBytes: 1 << 30,
  };
}
