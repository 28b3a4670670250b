/**
 * deploy/kubernetes/: every manifest parses and is a valid Kubernetes object,
 * the kustomizations name files that exist, and what the Admin's placer
 * assumes of them holds (labels its NetworkPolicies select, the port of
 * RAFIKI_PROCESS_URL, the RBAC it uses, settings that load).
 */
import { describe, expect, test } from 'bun:test';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type { V1Container, V1Deployment, V1PodTemplateSpec, V1Role, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { parse, parseAllDocuments } from 'yaml';
import { ADMIN_POD_LABELS, REDIS_POD_LABELS, placerOptions } from '../../src/admin/services/kubernetes/placer.ts';
import { loadConfig } from '../../src/common/config.ts';
import { problems } from './validate.ts';

const ROOT = resolve(import.meta.dir, '../../deploy/kubernetes');
type Manifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> } };

function yamlFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return name.endsWith('.yaml') ? [path] : [];
  });
}

const files = yamlFiles(ROOT);
const kustomizations = files.filter((f) => f.endsWith('kustomization.yaml'));
const manifests = files.filter((f) => !f.endsWith('kustomization.yaml'));

function objectsOf(text: string, where: string): Manifest[] {
  return parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw new Error(`${where}: ${document.errors.map((e) => e.message).join('; ')}`);
    return document.toJS() as Manifest;
  }).filter(Boolean);
}

const objects = manifests.flatMap((file) => objectsOf(readFileSync(file, 'utf8'), relative(ROOT, file)).map((object) => ({ file, object })));
const find = <T>(kind: string, name: string): T => {
  const found = objects.find(({ object }) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return found.object as unknown as T;
};

test('every manifest is a valid Kubernetes object, with no field the API does not know', () => {
  expect(objects.length).toBeGreaterThan(10);
  for (const { file, object } of objects) expect({ file: relative(ROOT, file), problems: problems(object) }).toEqual({ file: relative(ROOT, file), problems: [] });
});

test('every kustomization names files that exist, and every manifest is named by one', () => {
  const named = new Set<string>();
  for (const file of kustomizations) {
    const kustomization = parse(readFileSync(file, 'utf8')) as { resources?: string[] };
    for (const resource of kustomization.resources ?? []) {
      const path = resolve(dirname(file), resource);
      expect({ file: relative(ROOT, file), resource, exists: existsSync(path) && (!statSync(path).isDirectory() || existsSync(join(path, 'kustomization.yaml'))) })
        .toEqual({ file: relative(ROOT, file), resource, exists: true });
      named.add(path);
    }
  }
  expect(manifests.filter((file) => !named.has(file)).map((file) => relative(ROOT, file))).toEqual([]);
});

describe('what the placer assumes of the manifests', () => {
  const admin = find<V1Deployment>('Deployment', 'rafiki-admin');
  const adminContainer = admin.spec!.template.spec!.containers[0]!;
  const settings = (parse(readFileSync(join(ROOT, 'base/kustomization.yaml'), 'utf8')) as {
    configMapGenerator: { name: string; literals: string[] }[]; images: { newName: string; newTag: string }[];
  });
  const literals = Object.fromEntries(settings.configMapGenerator.find((g) => g.name === 'rafiki-settings')!.literals.map((l) => l.split(/=(.*)/s).slice(0, 2)));

  test("the Admin's and Redis's pods carry the labels the workers' NetworkPolicies let them reach", () => {
    expect(admin.spec!.template.metadata!.labels).toMatchObject(ADMIN_POD_LABELS);
    expect(find<V1StatefulSet>('StatefulSet', 'rafiki-redis').spec!.template.metadata!.labels).toMatchObject(REDIS_POD_LABELS);
  });

  test("RAFIKI_PROCESS_URL's port is the Admin Service's and its pod's, which the NetworkPolicy names", () => {
    const service = find<V1Service>('Service', 'rafiki-admin');
    const port = Number(new URL(literals.RAFIKI_PROCESS_URL!).port);
    expect(service.spec!.ports!.find((p) => p.name === 'process')?.port).toBe(port);
    expect(adminContainer.ports!.find((p) => p.name === 'process')?.containerPort).toBe(port);
  });

  test('the settings load, and the pods the Admin makes run the image it runs', () => {
    const env = { ...literals, DATABASE_URL: 'postgres://rafiki@rafiki-postgres:5432/rafiki', REDIS_URL: 'redis://rafiki-redis:6379', RAFIKI_K8S_NAMESPACE: 'rafiki' };
    const options = placerOptions(loadConfig(env));
    expect(options.admin).toEqual({ podLabels: ADMIN_POD_LABELS, port: 3003 });
    expect(options.redis).toEqual({ podLabels: REDIS_POD_LABELS, port: 6379 });
    const [image] = settings.images;
    expect(literals.RAFIKI_K8S_IMAGE).toBe(`${image!.newName}:${image!.newTag}`);
  });

  test('the Admin may do what the placer does, in its namespace only', () => {
    expect(objects.filter(({ object }) => object.kind.startsWith('Cluster'))).toEqual([]);
    const rules = find<V1Role>('Role', 'rafiki-admin').rules!;
    const may = (group: string, resource: string, verb: string) =>
      rules.some((r) => r.apiGroups!.includes(group) && r.resources!.includes(resource) && r.verbs.includes(verb));
    const used: [string, string, string[]][] = [
      ['', 'pods', ['create', 'delete', 'deletecollection', 'list', 'watch']],
      ['', 'pods/log', ['get']],
      ['', 'configmaps', ['create', 'get', 'delete']],
      ['', 'services', ['create', 'delete', 'list']],
      ['apps', 'deployments', ['create', 'delete', 'deletecollection']],
      ['networking.k8s.io', 'networkpolicies', ['create', 'update']],
    ];
    for (const [group, resource, verbs] of used) for (const verb of verbs) expect(`${resource} ${verb}: ${may(group, resource, verb)}`).toBe(`${resource} ${verb}: true`);
    expect(rules.flatMap((r) => r.resources)).not.toContain('secrets');
    expect(rules.flatMap((r) => r.verbs)).not.toContain('*');
  });

  test('every pod meets the restricted Pod Security Standard its namespace enforces', () => {
    const templates = objects.flatMap(({ object }) =>
      object.kind === 'Deployment' || object.kind === 'StatefulSet' ? [[object.metadata.name, (object as unknown as V1Deployment).spec!.template] as [string, V1PodTemplateSpec]] : []);
    expect(templates.length).toBe(4);
    for (const [name, template] of templates) {
      const pod = template.spec!.securityContext!;
      expect({ name, runAsNonRoot: pod.runAsNonRoot, seccomp: pod.seccompProfile?.type }).toEqual({ name, runAsNonRoot: true, seccomp: 'RuntimeDefault' });
      for (const container of template.spec!.containers as V1Container[]) {
        expect({ name, escalation: container.securityContext?.allowPrivilegeEscalation, drop: container.securityContext?.capabilities?.drop })
          .toEqual({ name, escalation: false, drop: ['ALL'] });
      }
    }
  });
});

const kubectl = Bun.which('kubectl');
test.skipIf(!kubectl)('each overlay, built by kustomize (kubectl kustomize), is valid throughout', () => {
  // The managed overlay reads its servers' addresses from files you write; here, from the examples beside them.
  const copy = mkdtempSync(join(tmpdir(), 'rafiki-kustomize-'));
  try {
    cpSync(ROOT, copy, { recursive: true });
    for (const example of ['database.env', 'redis.env']) cpSync(join(copy, 'overlays/managed', `${example}.example`), join(copy, 'overlays/managed', example));
    for (const overlay of ['dev', 'managed']) {
      const built = Bun.spawnSync([kubectl!, 'kustomize', join(copy, 'overlays', overlay)]);
      expect({ overlay, stderr: built.stderr.toString() }).toEqual({ overlay, stderr: '' });
      const rendered = objectsOf(built.stdout.toString(), overlay);
      expect(rendered.length).toBeGreaterThan(10);
      for (const object of rendered) {
        expect({ overlay, name: `${object.kind}/${object.metadata.name}`, problems: problems(object) }).toEqual({ overlay, name: `${object.kind}/${object.metadata.name}`, problems: [] });
        if (object.kind !== 'Namespace') expect(`${object.kind}/${object.metadata.name} in ${(object.metadata as { namespace?: string }).namespace}`).toBe(`${object.kind}/${object.metadata.name} in rafiki`);
      }
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
if (!kubectl) console.warn('manifests.test.ts: kubectl is not on PATH, so the overlays are not built with kustomize (the files themselves are checked)');
