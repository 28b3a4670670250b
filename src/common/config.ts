/**
 * Every setting of Rafiki, read once from the environment. A bad value stops the
 * start with a message naming the variable; the README lists them all.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { LOG_LEVELS, type LogLevel } from './log.ts';

export interface Config {
  /** Where the embedded database, secrets, datasets and caches live. */
  dataDir: string;
  /** Address the Admin, Advisor and frontends bind to. */
  host: string;
  /** Host name other machines use to reach this one (the answer's `predictor_host`). */
  publicHost: string;
  adminPort: number;
  /** How long an Admin's jobs stay its own after its last heartbeat, before another Admin may take them. */
  adminLeaseSeconds: number;
  advisorPort: number;
  /** An Advisor in its own process; unset means the Advisor runs inside the Admin. */
  advisorUrl: string | undefined;
  /** Seeds every Advisor session, so that a job's proposals repeat; unset: a fresh seed each. */
  advisorSeed: number | undefined;
  /** A Postgres server; unset means embedded PGlite under `dataDir/db`. */
  databaseUrl: string | undefined;
  /** A Redis server for pending queries; unset means an in-process queue. */
  redisUrl: string | undefined;
  /** Upstash's REST token, with an http(s) REDIS_URL. */
  redisToken: string | undefined;
  superadminEmail: string;
  superadminPassword: string | undefined;
  /** The Ed25519 private key (PKCS8 PEM) that signs tokens; unset: generated and kept in `dataDir`. */
  jwtPrivateKey: string | undefined;
  tokenTtlSeconds: number;
  /** Largest JSON or form body the Admin accepts, uploads apart. */
  maxBodyBytes: number;
  maxDatasetBytes: number;
  /** Resident memory, summed over its process tree, above which a worker, check or install is ended. */
  workerMemoryBytes: number;
  /** Processes a worker, check or install may have at once. */
  workerProcesses: number;
  /** CPU time one trial may use. */
  trialCpuSeconds: number;
  /** Whether uploaded code runs in the bubblewrap sandbox: `auto` when it works here, `required`, or `off`. */
  sandbox: SandboxMode;
  /** Whether the first start creates the built-in templates of models/. */
  builtinModels: boolean;
  /** How long loading an uploaded template may take before it is refused. */
  templateCheckMs: number;
  /** How long checking an uploaded dataset may take. */
  datasetCheckMs: number;
  /** How long fetching a `dataset_url` may take. */
  datasetUrlTimeoutMs: number;
  /** Non-public addresses (IPs or CIDRs) a `dataset_url` may still point to. */
  datasetUrlAllow: string[];
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** The least severe log line the Admin writes: debug, info, warn or error. */
  logLevel: LogLevel;
  /** Where train workers run: children of the Admin (`local`), on hosts that run an agent (`agents`), or in pods (`kubernetes`). */
  services: ServicesMode;
  /** The port processes on other hosts reach the Admin on (its process port). */
  processPort: number;
  /** The address processes on other hosts are given for the process port; unset: http(s)://RAFIKI_PUBLIC_HOST:port (https with a TLS pair). An http:// address keeps the port plain even with a TLS pair. */
  processUrl: string | undefined;
  /** The token agents show to be given work (RAFIKI_SERVICES=agents). */
  agentToken: string | undefined;
  /** How pods are made, when `services` is `kubernetes`. */
  kubernetes: KubernetesConfig | undefined;
}

export const IMAGE_PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;

export interface KubernetesConfig {
  namespace: string;
  /** The image the pods run: this project, with Bun, working directory at its root. */
  image: string;
  imagePullPolicy: (typeof IMAGE_PULL_POLICIES)[number];
  /** CPU each worker (and frontend) requests and is limited to, a Kubernetes quantity (`1`, `500m`). */
  workerCpu: string;
  /** The Admin's own pod, owner of every job's objects so that they end with it; unset when the Admin runs outside the cluster. */
  adminPod: { name: string; uid: string } | undefined;
  /** Where pods may reach the Admin and Redis when they are not pods of this namespace (an Admin outside the cluster, a managed Redis). */
  adminCidr: string | undefined;
  redisCidr: string | undefined;
  /** The cluster's DNS domain, to name a frontend's Service fully (`<name>.<namespace>.svc.<domain>`); unset: `<name>.<namespace>.svc`, which a pod's search list completes. */
  clusterDomain: string | undefined;
}

export const SERVICES_MODES = ['local', 'agents', 'kubernetes'] as const;
export type ServicesMode = (typeof SERVICES_MODES)[number];

export const SANDBOX_MODES = ['auto', 'required', 'off'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL (${protocols.join(' or ')}), got ${JSON.stringify(raw)}`);
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got ${JSON.stringify(parsed.protocol)}`);
  }
  return raw;
}

/** RAFIKI_SERVICES and what placing processes on other hosts needs. */
function placement(env: Env): Pick<Config, 'services' | 'processPort' | 'processUrl' | 'agentToken' | 'kubernetes'> {
  const services = oneOf(env, 'RAFIKI_SERVICES', SERVICES_MODES, 'local');
  const agentToken = text(env, 'RAFIKI_AGENT_TOKEN');
  if (services === 'agents' && (agentToken === undefined || agentToken.length < 16)) {
    throw new ConfigError('RAFIKI_AGENT_TOKEN must be set, at least 16 characters, with RAFIKI_SERVICES=agents: agents show it to be given work');
  }
  const processUrl = url(env, 'RAFIKI_PROCESS_URL', ['http', 'https']);
  return { services, processPort: port(env, 'RAFIKI_PROCESS_PORT', 3003), processUrl, agentToken, kubernetes: kubernetes(env, services, processUrl) };
}

/** REDIS_URL over TCP (`redis://`, `rediss://`), or Upstash's REST protocol (`https://`; `http://` for a local gateway) with REDIS_TOKEN. */
function redis(env: Env): { redisUrl: string | undefined; redisToken: string | undefined } {
  const redisUrl = url(env, 'REDIS_URL', ['redis', 'rediss', 'https', 'http']);
  const redisToken = text(env, 'REDIS_TOKEN');
  const rest = redisUrl !== undefined && /^https?:/.test(redisUrl);
  if (rest && redisToken === undefined) throw new ConfigError('REDIS_TOKEN must be set with an http(s) REDIS_URL (Upstash REST)');
  if (!rest && redisToken !== undefined) throw new ConfigError('REDIS_TOKEN is for an http(s) REDIS_URL (Upstash REST); a redis:// URL carries its password itself');
  return { redisUrl, redisToken };
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as T;
}

/** A comma-separated list of IP addresses and CIDR blocks. */
function addresses(env: Env, name: string): string[] {
  const entries = (text(env, name) ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const width = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || (bits !== undefined && !(Number.isInteger(Number(bits)) && Number(bits) >= 0 && Number(bits) <= width))) {
      throw new ConfigError(`${name} must list IP addresses or CIDR blocks, comma-separated (e.g. 127.0.0.1,10.0.0.0/8), got ${JSON.stringify(entry)}`);
    }
  }
  return entries;
}

/** A Kubernetes quantity of CPU: whole or decimal cores, or millicores. */
function cpu(env: Env, name: string, fallback: string): string {
  const raw = text(env, name) ?? fallback;
  if (!/^(\d+(\.\d{1,3})?|\d+m)$/.test(raw) || /^0+(\.0+)?m?$/.test(raw)) {
    throw new ConfigError(`${name} must be a positive CPU quantity (e.g. 1, 0.5 or 500m), got ${JSON.stringify(raw)}`);
  }
  return raw;
}

function cidr(env: Env, name: string): string | undefined {
  const [block, ...more] = addresses(env, name);
  if (more.length > 0) throw new ConfigError(`${name} must be one IP address or CIDR block, got ${JSON.stringify(text(env, name))}`);
  if (block === undefined) return undefined;
  return block.includes('/') ? block : `${block}/${isIP(block) === 6 ? 128 : 32}`;
}

/** A Kubernetes name (RFC 1123 label): lower-case letters, digits and '-'. */
function dnsLabel(env: Env, name: string, fallback: string): string {
  const raw = text(env, name) ?? fallback;
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(raw)) {
    throw new ConfigError(`${name} must be a Kubernetes name (lower-case letters, digits and '-', at most 63), got ${JSON.stringify(raw)}`);
  }
  return raw;
}

/** A DNS domain (RFC 1123 labels joined by dots), without the trailing dot: `cluster.local`. */
function dnsDomain(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/.test(raw)) {
    throw new ConfigError(`${name} must be a DNS domain (lower-case labels joined by dots, e.g. cluster.local), got ${JSON.stringify(raw)}`);
  }
  return raw;
}

function kubernetes(env: Env, services: ServicesMode, processUrl: string | undefined): KubernetesConfig | undefined {
  if (services !== 'kubernetes') return undefined;
  const image = text(env, 'RAFIKI_K8S_IMAGE');
  if (image === undefined) throw new ConfigError('RAFIKI_K8S_IMAGE must be set with RAFIKI_SERVICES=kubernetes: the image the pods run (see deploy/kubernetes/)');
  if (processUrl === undefined) throw new ConfigError('RAFIKI_PROCESS_URL must be set with RAFIKI_SERVICES=kubernetes: where pods reach the Admin (e.g. http://rafiki-admin:3003)');
  const podName = text(env, 'RAFIKI_K8S_ADMIN_POD');
  const podUid = text(env, 'RAFIKI_K8S_ADMIN_POD_UID');
  if ((podName === undefined) !== (podUid === undefined)) throw new ConfigError('RAFIKI_K8S_ADMIN_POD and RAFIKI_K8S_ADMIN_POD_UID must be set together (from the downward API)');
  const pullPolicy = text(env, 'RAFIKI_K8S_IMAGE_PULL_POLICY') ?? 'IfNotPresent';
  const imagePullPolicy = IMAGE_PULL_POLICIES.find((p) => p === pullPolicy);
  if (imagePullPolicy === undefined) throw new ConfigError(`RAFIKI_K8S_IMAGE_PULL_POLICY must be one of ${IMAGE_PULL_POLICIES.join(', ')}, got ${JSON.stringify(pullPolicy)}`);
  return {
    namespace: dnsLabel(env, 'RAFIKI_K8S_NAMESPACE', 'rafiki'),
    image,
    imagePullPolicy,
    workerCpu: cpu(env, 'RAFIKI_K8S_WORKER_CPU', '1'),
    adminPod: podName !== undefined && podUid !== undefined ? { name: podName, uid: podUid } : undefined,
    adminCidr: cidr(env, 'RAFIKI_K8S_ADMIN_CIDR'),
    redisCidr: cidr(env, 'RAFIKI_K8S_REDIS_CIDR'),
    clusterDomain: dnsDomain(env, 'RAFIKI_K8S_CLUSTER_DOMAIN'),
  };
}

function port(env: Env, name: string, fallback: number): number {
  return integer(env, name, fallback, { min: 0, max: 65535 });
}

/**
 * @example
 * const config = loadConfig();                       // from process.env
 * const test = loadConfig({ RAFIKI_ADMIN_PORT: '0' }); // a free port
 */
export function loadConfig(env: Env = process.env): Config {
  const superadminPassword = text(env, 'RAFIKI_SUPERADMIN_PASSWORD');
  if (superadminPassword !== undefined && superadminPassword.length < 8) {
    throw new ConfigError('RAFIKI_SUPERADMIN_PASSWORD must have at least 8 characters');
  }
  const jwtPrivateKey = text(env, 'RAFIKI_JWT_PRIVATE_KEY');
  if (jwtPrivateKey !== undefined && !/^-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----$/.test(jwtPrivateKey)) {
    throw new ConfigError('RAFIKI_JWT_PRIVATE_KEY must be an Ed25519 private key in PKCS8 PEM ("-----BEGIN PRIVATE KEY----- …"), e.g. from `openssl genpkey -algorithm ed25519`');
  }
  if (text(env, 'RAFIKI_JWT_SECRET') !== undefined) {
    throw new ConfigError('RAFIKI_JWT_SECRET is no longer used: tokens are signed with an Ed25519 key (RAFIKI_JWT_PRIVATE_KEY, or one generated in RAFIKI_DATA_DIR)');
  }
  const superadminEmail = text(env, 'RAFIKI_SUPERADMIN_EMAIL') ?? 'superadmin@rafiki';
  if (!superadminEmail.includes('@')) {
    throw new ConfigError(`RAFIKI_SUPERADMIN_EMAIL must be an email address, got ${JSON.stringify(superadminEmail)}`);
  }
  const tlsCert = text(env, 'RAFIKI_TLS_CERT');
  const tlsKey = text(env, 'RAFIKI_TLS_KEY');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new ConfigError('RAFIKI_TLS_CERT and RAFIKI_TLS_KEY must be set together');
  }
  const host = text(env, 'RAFIKI_HOST') ?? '127.0.0.1';
  return {
    dataDir: resolve(text(env, 'RAFIKI_DATA_DIR') ?? './.rafiki'),
    host,
    publicHost: text(env, 'RAFIKI_PUBLIC_HOST') ?? (host === '0.0.0.0' ? 'localhost' : host),
    adminPort: port(env, 'RAFIKI_ADMIN_PORT', 3000),
    adminLeaseSeconds: integer(env, 'RAFIKI_ADMIN_LEASE_SECONDS', 15, { min: 3, max: 3600 }),
    advisorPort: port(env, 'RAFIKI_ADVISOR_PORT', 3002),
    advisorUrl: url(env, 'RAFIKI_ADVISOR_URL', ['http', 'https']),
    advisorSeed: text(env, 'RAFIKI_ADVISOR_SEED') === undefined ? undefined : integer(env, 'RAFIKI_ADVISOR_SEED', 0, { max: 2 ** 31 - 1 }),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres', 'postgresql']),
    ...redis(env),
    superadminEmail,
    superadminPassword,
    jwtPrivateKey,
    tokenTtlSeconds: integer(env, 'RAFIKI_TOKEN_TTL_SECONDS', 3600, { min: 1 }),
    maxBodyBytes: integer(env, 'RAFIKI_MAX_BODY_KB', 1024, { min: 1 }) * 1024,
    maxDatasetBytes: integer(env, 'RAFIKI_MAX_DATASET_MB', 1024, { min: 1 }) * 1024 * 1024,
    workerMemoryBytes: integer(env, 'RAFIKI_WORKER_MEMORY_MB', 2048, { min: 64 }) * 1024 * 1024,
    workerProcesses: integer(env, 'RAFIKI_WORKER_PROCESSES', 32, { min: 1, max: 4096 }),
    trialCpuSeconds: integer(env, 'RAFIKI_TRIAL_CPU_SECONDS', 3600, { min: 1 }),
    sandbox: oneOf(env, 'RAFIKI_SANDBOX', SANDBOX_MODES, 'auto'),
    builtinModels: boolean(env, 'RAFIKI_BUILTIN_MODELS', true),
    templateCheckMs: integer(env, 'RAFIKI_TEMPLATE_CHECK_SECONDS', 20, { min: 1 }) * 1000,
    datasetCheckMs: integer(env, 'RAFIKI_DATASET_CHECK_SECONDS', 600, { min: 1 }) * 1000,
    datasetUrlTimeoutMs: integer(env, 'RAFIKI_DATASET_URL_TIMEOUT_SECONDS', 300, { min: 1 }) * 1000,
    datasetUrlAllow: addresses(env, 'RAFIKI_DATASET_URL_ALLOW'),
    tlsCert,
    tlsKey,
    logLevel: oneOf(env, 'RAFIKI_LOG_LEVEL', LOG_LEVELS, 'info'),
    ...placement(env),
  };
}
