/**
 * RAFIKI_SERVICES: where the Admin's processes run. `local`: children of the
 * Admin. `agents`: train workers, query frontends and inference workers on the
 * hosts that run an agent; `kubernetes`: the same kinds in pods (a frontend as
 * a Deployment and a Service); either way reached over the Admin's process
 * port. Checks and installs stay here.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../../common/config.ts';
import { LocalServices } from '../../common/services/local.ts';
import type { Sandbox } from '../../common/services/sandbox.ts';
import type { ProcessKind, Services } from '../../common/services/services.ts';
import type { TokenIssuer } from '../auth/tokens.ts';
import { placerFor, type Placer } from './placement.ts';
import { AgentPlacer } from './remote/agent-placer.ts';
import { ProcessLinks } from './remote/process-links.ts';
import { RemoteServices } from './remote/remote-services.ts';

/** How long a placed process has to connect and start (a pod may first pull its image). */
const START_TIMEOUT_MS = 120_000;

export interface OpenServices {
  services: Services;
  /** The process port's address, when processes are placed elsewhere. */
  processUrl?: string;
  /** How many agents are connected now, with RAFIKI_SERVICES=agents. */
  agents?: () => number;
  close(): Promise<void>;
}

/**
 * The process port serves TLS with the Admin's pair (the frontends' too: one
 * certificate for the Admin's host), unless RAFIKI_PROCESS_URL says http://:
 * where processes cannot be given the CA to trust (pods, for now), the port stays plain.
 */
export function processPortTls(config: Pick<Config, 'tlsCert' | 'tlsKey' | 'processUrl'>): { cert: string; key: string } | undefined {
  if (!config.tlsCert || !config.tlsKey || (config.processUrl && new URL(config.processUrl).protocol === 'http:')) return undefined;
  return { cert: readFileSync(config.tlsCert, 'utf8'), key: readFileSync(config.tlsKey, 'utf8') };
}

/** The kinds placed on other hosts; checks and installs write the Admin's folders, so they stay beside it. */
export function placedKinds(config: Pick<Config, 'services'>): readonly ProcessKind[] {
  return config.services === 'local' ? [] : ['TRAIN_WORKER', 'PREDICTOR', 'INFERENCE_WORKER'];
}

export async function openServices(config: Config, sandbox: Sandbox, tokens: TokenIssuer): Promise<OpenServices> {
  const local = new LocalServices({ sandbox });
  if (config.services === 'local') return { services: local, close: async () => {} };
  const tls = processPortTls(config);
  const links = new ProcessLinks({
    host: config.host, port: config.processPort, verify: (token) => tokens.verifyProcess(token),
    ...(tls ? { tls } : {}),
    ...(config.processUrl ? { publicUrl: config.processUrl } : { publicHost: config.publicHost }),
    ...(config.agentToken ? { agentToken: config.agentToken } : {}),
  });
  links.start();
  const placer: Placer = config.services === 'agents' ? new AgentPlacer(links) : (await placerFor(config))!;
  const services = new RemoteServices({
    placer, links, local, kinds: placedKinds(config), startTimeoutMs: START_TIMEOUT_MS,
    // A pod is its own sandbox: bubblewrap cannot make namespaces under the restricted Pod Security Standard.
    ...(config.services === 'kubernetes' ? { sandbox: 'off' as const, placementIsolates: true } : { sandbox: config.sandbox }),
    issueToken: (claims, ttlSeconds) => tokens.issueProcess(claims, ttlSeconds),
  });
  return {
    services,
    processUrl: links.url,
    ...(placer instanceof AgentPlacer ? { agents: () => placer.hosts.length } : {}),
    async close() {
      await placer.close();
      await links.stop();
    },
  };
}
