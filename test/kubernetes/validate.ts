/**
 * Checks a Kubernetes object twice: against the official OpenAPI schemas
 * (kubernetes-models, as the API server's validation does), and for fields
 * that no schema has, which those schemas let through but `kubectl apply`
 * refuses (strict field validation): a misspelt field would otherwise pass.
 *
 * @example
 * expect(problems(pod)).toEqual([]);
 */
import * as client from '@kubernetes/client-node';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, PersistentVolumeClaim, Pod, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';

interface Model { validate(): void }
type KubernetesObject = { apiVersion?: string; kind?: string } & Record<string, unknown>;

/** The kinds Rafiki makes or ships, with their schema and their client model (whose field list is the strict check's). */
const KINDS: Record<string, { schema: new (data: never) => Model; model: string }> = {
  'v1/Pod': { schema: Pod, model: 'V1Pod' },
  'v1/Service': { schema: Service, model: 'V1Service' },
  'v1/ConfigMap': { schema: ConfigMap, model: 'V1ConfigMap' },
  'v1/Secret': { schema: Secret, model: 'V1Secret' },
  'v1/ServiceAccount': { schema: ServiceAccount, model: 'V1ServiceAccount' },
  'v1/Namespace': { schema: Namespace, model: 'V1Namespace' },
  'v1/PersistentVolumeClaim': { schema: PersistentVolumeClaim, model: 'V1PersistentVolumeClaim' },
  'apps/v1/Deployment': { schema: Deployment, model: 'V1Deployment' },
  'apps/v1/StatefulSet': { schema: StatefulSet, model: 'V1StatefulSet' },
  'networking.k8s.io/v1/NetworkPolicy': { schema: NetworkPolicy, model: 'V1NetworkPolicy' },
  'networking.k8s.io/v1/Ingress': { schema: Ingress, model: 'V1Ingress' },
  'rbac.authorization.k8s.io/v1/Role': { schema: Role, model: 'V1Role' },
  'rbac.authorization.k8s.io/v1/RoleBinding': { schema: RoleBinding, model: 'V1RoleBinding' },
};

/** What is wrong with an object, one line each; empty when it is valid. */
export function problems(object: KubernetesObject): string[] {
  const kind = KINDS[`${object.apiVersion}/${object.kind}`];
  if (!kind) return [`${object.apiVersion}/${object.kind} is not a kind these tests know`];
  const found: string[] = [];
  try {
    new kind.schema(asTheServerReadsIt(object) as never).validate();
  } catch (error) {
    found.push(`schema: ${(error as Error).message}`);
  }
  unknownFields(object, kind.model, '', found);
  return found;
}

/**
 * kustomize breaks a long Secret value's base64 over lines; the API server's
 * decoder (Go's encoding/base64) skips line breaks, the schema's format does not.
 */
function asTheServerReadsIt(object: KubernetesObject): KubernetesObject {
  const copy = structuredClone(object);
  if (copy.kind === 'Secret' && copy.data && typeof copy.data === 'object') {
    copy.data = Object.fromEntries(Object.entries(copy.data).map(([key, value]) => [key, typeof value === 'string' ? value.replace(/[\r\n]/g, '') : value]));
  }
  return copy;
}

type Attribute = { baseName: string; type: string };
const models = client as unknown as Record<string, { attributeTypeMap?: Attribute[] } | undefined>;

function unknownFields(value: unknown, type: string, path: string, found: string[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((item, i) => unknownFields(item, array[1] as string, `${path}[${i}]`, found));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    for (const [key, item] of Object.entries(value as object)) unknownFields(item, map[1] as string, `${path}.${key}`, found);
    return;
  }
  const attributes = models[type]?.attributeTypeMap;
  if (!attributes || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value as object)) {
    const attribute = attributes.find((a) => a.baseName === key);
    if (!attribute) found.push(`unknown field ${path}.${key} (${type})`);
    else unknownFields(item, attribute.type, `${path}.${key}`, found);
  }
}
