/**
 * The placement contract: how the Admin has a process started on another host
 * (a pod, an agent's machine). The process is always the same one command
 * line, the remote runner with its id and token, which connects back to the
 * Admin and fetches its work; a placer only starts that command somewhere
 * with the resources, labels and isolation of its spec, says when it is gone
 * without being asked, and removes it.
 *
 * What every implementation keeps:
 * - `place` resolves once the process's objects exist (not once it runs: the
 *   runner's connection to the Admin says that), and rejects, leaving nothing
 *   behind, when they could not be made; it resolves with where others reach
 *   the process when the placement fixes that (a Kubernetes Service's name and
 *   the port behind it), and with nothing when the host it connects from is
 *   the address (an agent's);
 * - `onGone` listeners are called at most once per process, and only for a
 *   process that `remove` was not called for: failed, evicted, deleted by
 *   someone else, or ended by itself (the Admin ignores an end it asked for);
 * - `remove` is idempotent, and may be called for a process that is gone;
 * - `close` stops watching; it leaves the placed processes where they are.
 *
 * @example
 * const placer = await placerFor(config);   // a KubernetesPlacer with RAFIKI_SERVICES=kubernetes; undefined for local
 * placer.onGone((processId, reason) => admin.processEnded(processId, reason));
 * const placed = await placer.place({ processId, command: ['bun', 'src/worker/remote-runner.ts', '--admin', url, '--token', token],
 *   spec, labels: { jobId, subJobId, trialId } });
 * // a frontend on Kubernetes: { address: 'rafiki-predictor-<processId>.rafiki.svc', servicePort: 8080 }
 * await placer.remove(processId);
 */
import type { Config } from '../../common/config.ts';
import type { ProcessSpec } from '../../common/services/services.ts';

export interface Launch {
  /** A uuid, unique per process. */
  processId: string;
  /** The runner's command line, token included. */
  command: string[];
  /** What it runs and within which limits; its files reach it through the runner, not the placer. */
  spec: ProcessSpec;
  labels: { jobId?: string; subJobId?: string; trialId?: string; inferenceJobId?: string };
  /** GPUs it needs (a job's GPU_COUNT). */
  gpus?: number;
}

/** Where others reach a placed process, when its placement decides it (ManagedProcess.address, servicePort). */
export interface Placed {
  /** A stable name for it (a Service's DNS name), rather than the address it connects from. */
  address?: string;
  /** The port it must listen on for `address` to reach it. */
  servicePort?: number;
}

export interface Placer {
  readonly name: string;
  /** Resolves once the process's objects are created, with where it is reached when the placement fixes that. */
  place(launch: Launch): Promise<Placed | void>;
  /** Calls back once when the placed process failed or ended outside Rafiki's control (pod failed, evicted, deleted). */
  onGone(listener: (processId: string, reason: string) => void): void;
  /** Deletes its objects (idempotent). */
  remove(processId: string): Promise<void>;
  close(): Promise<void>;
}


/**
 * The Kubernetes placer with RAFIKI_SERVICES=kubernetes, else undefined (agents
 * are placed through the process port, src/admin/services/open-services.ts).
 * Loaded on demand: an Admin that does not use the Kubernetes client never reads it.
 */
export async function placerFor(config: Config): Promise<Placer | undefined> {
  if (config.services !== 'kubernetes') return undefined;
  const { KubernetesPlacer } = await import('./kubernetes/placer.ts');
  return KubernetesPlacer.fromConfig(config);
}
