/**
 * Placement on hosts that run a Rafiki agent (`bun src/worker/agent.ts`), for
 * clusters without Kubernetes: each agent connects to the Admin's process port
 * with the agents' token, and is given the command lines of the processes
 * placed on its host. A process goes to the agent with the fewest of its
 * group (the same kind for the same job and trial), then the least busy, so
 * that a job's frontends, or a trial's workers, are on as many hosts as there
 * are, and a host's loss takes as few of them as it can. An agent that goes
 * away takes its processes with it (they lose their link to the Admin as well).
 */
import type { Launch, Placer } from '../placement.ts';
import type { AgentLink, ProcessLinks } from './process-links.ts';

/** Processes that should not share a host: one kind, for one job (and trial). */
const groupOf = ({ spec, labels }: Launch) => [spec.kind, labels.jobId ?? labels.inferenceJobId ?? '', labels.trialId ?? ''].join('/');

export class AgentPlacer implements Placer {
  readonly name = 'agents';
  /** Per agent, its processes' groups by process id. */
  private readonly agents = new Map<AgentLink, Map<string, string>>();
  private readonly placed = new Map<string, AgentLink>();
  private readonly listeners: ((processId: string, reason: string) => void)[] = [];

  constructor(links: ProcessLinks) {
    links.onAgent((agent) => this.join(agent));
  }

  /** The hosts of the agents connected now. */
  get hosts(): string[] {
    return [...this.agents.keys()].map((agent) => agent.hostname);
  }

  async place(launch: Launch): Promise<void> {
    const group = groupOf(launch);
    const peers = (placed: Map<string, string>) => [...placed.values()].filter((g) => g === group).length;
    const [agent] = [...this.agents].sort(([, a], [, b]) => peers(a) - peers(b) || a.size - b.size)[0] ?? [];
    if (!agent) throw new Error('no agent is connected: start `bun src/worker/agent.ts --admin <the process address> --token <RAFIKI_AGENT_TOKEN>` on a host');
    this.agents.get(agent)!.set(launch.processId, group);
    this.placed.set(launch.processId, agent);
    agent.send({ type: 'launch', processId: launch.processId, command: launch.command });
  }

  onGone(listener: (processId: string, reason: string) => void): void {
    this.listeners.push(listener);
  }

  async remove(processId: string): Promise<void> {
    const agent = this.placed.get(processId);
    if (!agent) return;
    this.forget(processId);
    agent.send({ type: 'remove', processId });
  }

  async close(): Promise<void> {
    for (const agent of this.agents.keys()) agent.close();
  }

  private join(agent: AgentLink): void {
    this.agents.set(agent, new Map());
    agent.onMessage((message) => {
      if (message.type === 'gone' && this.placed.get(message.processId) === agent) this.gone(message.processId, message.reason);
    });
    agent.onClose(() => {
      const processes = this.agents.get(agent) ?? new Map<string, string>();
      this.agents.delete(agent);
      for (const processId of processes.keys()) this.gone(processId, `lost its host: the agent on ${agent.hostname} disconnected`);
    });
  }

  private gone(processId: string, reason: string): void {
    this.forget(processId);
    for (const listener of this.listeners) listener(processId, reason);
  }

  private forget(processId: string): void {
    this.agents.get(this.placed.get(processId)!)?.delete(processId);
    this.placed.delete(processId);
  }
}
