/**
 * A small stand-in for the Kubernetes API server, for the placer's tests
 * where no cluster is at hand: namespaced objects kept in memory, created,
 * read, replaced, deleted (one or by label), listed and watched (from a
 * resourceVersion), with Status errors as the server's. It keeps no
 * controllers: nothing schedules, garbage-collects or restarts; a test moves
 * pods along itself (`setPodStatus`, `deleteAsSomeoneElse`), or has them run
 * on this host (local-kubelet.ts, which follows `onChange`).
 *
 * @example
 * await using api = startFakeApi();
 * const placer = new KubernetesPlacer(options, api.kubeConfig());
 */
import { KubeConfig, type V1PodStatus } from '@kubernetes/client-node';

export type KubernetesObject = { metadata: { name: string; namespace?: string; labels?: Record<string, string>; uid?: string; resourceVersion?: string } } & Record<string, unknown>;
type Event = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubernetesObject; collection: string; version: number };
type Watcher = { collection: string; selector: string | null; send: (event: Event) => void };

const COLLECTION = /^\/(?:api\/v1|apis\/[^/]+\/v1)\/namespaces\/([^/]+)\/([a-z]+)(?:\/([^/]+))?$/;

export interface FakeApi extends AsyncDisposable {
  url: string;
  kubeConfig(): KubeConfig;
  /** Every request so far: `POST /api/v1/namespaces/rafiki/pods`. */
  requests: string[];
  objects(collection: string): KubernetesObject[];
  setPodStatus(name: string, status: V1PodStatus): void;
  deleteAsSomeoneElse(collection: string, name: string): void;
  /** The next request whose method and path start so is answered with this status. */
  failNext(request: string, code: number): void;
  /** Calls back after each change to an object, in order, as a watch of every collection would. */
  onChange(listener: (type: Event['type'], collection: string, object: KubernetesObject) => void): void;
}

export function startFakeApi(): FakeApi {
  const store = new Map<string, Map<string, KubernetesObject>>();
  const events: Event[] = [];
  const watchers = new Set<Watcher>();
  const failures: { request: string; code: number }[] = [];
  const changeListeners: ((type: Event['type'], collection: string, object: KubernetesObject) => void)[] = [];
  const requests: string[] = [];
  let version = 1;

  const collectionOf = (collection: string) => store.get(collection) ?? store.set(collection, new Map()).get(collection)!;
  const record = (type: Event['type'], collection: string, object: KubernetesObject) => {
    version += 1;
    object.metadata.resourceVersion = String(version);
    const event = { type, object: structuredClone(object), collection, version };
    events.push(event);
    for (const watcher of watchers) if (watcher.collection === collection && selects(watcher.selector, object)) watcher.send(event);
    for (const listener of changeListeners) listener(type, collection, structuredClone(object));
  };
  const status = (code: number, message: string) => Response.json({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code }, { status: code });

  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const line = `${request.method} ${url.pathname}`;
      requests.push(line);
      const failure = failures.findIndex((f) => line.startsWith(f.request));
      if (failure >= 0) return status(failures.splice(failure, 1)[0]!.code, 'failed on purpose');
      const match = COLLECTION.exec(url.pathname);
      if (!match) return status(404, `no route ${url.pathname}`);
      const [, namespace, resource, name] = match as unknown as [string, string, string, string | undefined];
      const collection = `${namespace}/${resource}`;
      const objects = collectionOf(collection);
      const selector = url.searchParams.get('labelSelector');
      if (request.method === 'GET' && !name && url.searchParams.get('watch') === 'true') {
        const since = Number(url.searchParams.get('resourceVersion') || version);
        let watcher: Watcher | undefined;
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            const send = (event: Event) => controller.enqueue(new TextEncoder().encode(`${JSON.stringify({ type: event.type, object: event.object })}\n`));
            for (const event of events) if (event.version > since && event.collection === collection && selects(selector, event.object)) send(event);
            // As the server's bookmarks; it also has Bun send the headers now, which the client waits for before it watches.
            controller.enqueue(new TextEncoder().encode(`${JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(version) } } })}\n`));
            watcher = { collection, selector, send };
            watchers.add(watcher);
          },
          cancel() {
            if (watcher) watchers.delete(watcher);
          },
        });
        return new Response(stream, { headers: { 'content-type': 'application/json' } });
      }
      if (request.method === 'GET' && !name) {
        return Response.json({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: String(version) }, items: [...objects.values()].filter((o) => selects(selector, o)) });
      }
      if (request.method === 'POST' && !name) {
        const object = (await request.json()) as KubernetesObject;
        if (objects.has(object.metadata.name)) return status(409, `${resource} "${object.metadata.name}" already exists`);
        object.metadata.uid = crypto.randomUUID();
        object.metadata.namespace = namespace;
        objects.set(object.metadata.name, object);
        record('ADDED', collection, object);
        return Response.json(object, { status: 201 });
      }
      if (request.method === 'DELETE' && !name) {
        const gone = [...objects.values()].filter((o) => selects(selector, o));
        for (const object of gone) {
          objects.delete(object.metadata.name);
          record('DELETED', collection, object);
        }
        return Response.json({ kind: 'List', apiVersion: 'v1', metadata: {}, items: gone });
      }
      const existing = name === undefined ? undefined : objects.get(name);
      if (!existing || name === undefined) return status(404, `${resource} "${name}" not found`);
      if (request.method === 'GET') return Response.json(existing);
      if (request.method === 'PUT') {
        const object = (await request.json()) as KubernetesObject;
        object.metadata = { ...object.metadata, uid: existing.metadata.uid, namespace };
        objects.set(name, object);
        record('MODIFIED', collection, object);
        return Response.json(object);
      }
      if (request.method === 'DELETE') {
        objects.delete(name);
        record('DELETED', collection, existing);
        return Response.json(existing);
      }
      return status(405, `${request.method} is not served here`);
    },
  });
  const url = `http://127.0.0.1:${server.port}`;

  return {
    url,
    requests,
    kubeConfig() {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromOptions({
        clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
        users: [{ name: 'fake' }],
        contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
        currentContext: 'fake',
      });
      return kubeConfig;
    },
    objects: (collection) => [...collectionOf(collection).values()],
    setPodStatus(name, podStatus) {
      const [collection, pod] = [...store].flatMap(([c, objects]) => (c.endsWith('/pods') && objects.has(name) ? [[c, objects.get(name)!] as const] : []))[0] ?? [];
      if (!pod || !collection) throw new Error(`no pod ${name}`);
      pod.status = podStatus;
      record('MODIFIED', collection, pod);
    },
    deleteAsSomeoneElse(collection, name) {
      const object = collectionOf(collection).get(name);
      if (!object) throw new Error(`no ${collection} ${name}`);
      collectionOf(collection).delete(name);
      record('DELETED', collection, object);
    },
    failNext(request, code) {
      failures.push({ request, code });
    },
    onChange(listener) {
      changeListeners.push(listener);
    },
    async [Symbol.asyncDispose]() {
      await server.stop(true);
    },
  };
}

/** Equality (`a=b`) and existence (`a`) terms, comma-separated: what the placer sends. */
function selects(selector: string | null, object: KubernetesObject): boolean {
  if (!selector) return true;
  const labels = object.metadata.labels ?? {};
  return selector.split(',').every((term) => {
    const [key, value] = term.split('=') as [string, string | undefined];
    return value === undefined ? key in labels : labels[key] === value;
  });
}
