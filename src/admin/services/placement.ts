/**
 * Where a process that reaches the Admin over the network is started: a placer
 * runs its one command line somewhere (a pod, an agent's host) with its
 * resources and isolation, says when it is gone, and removes it. The process
 * itself then connects back (src/admin/services/remote/).
 */
import type { ProcessSpec } from '../../common/services/services.ts';

export interface Launch {
  /** A uuid, unique per process. */
  processId: string;
  /** The runner's command line, its token included: `bun src/worker/remote-runner.ts --admin <url> --token <token>`. */
  command: string[];
  spec: ProcessSpec;
  labels: { jobId?: string; subJobId?: string; trialId?: string; inferenceJobId?: string };
  /** GPU_COUNT. */
  gpus?: number;
}

export interface Placer {
  readonly name: string;
  /** Resolves once the process is placed (its objects created, its agent told). */
  place(launch: Launch): Promise<void>;
  /** Calls back once when a placed process failed or ended outside Rafiki's control (a pod failed or was deleted, an agent went away). */
  onGone(listener: (processId: string, reason: string) => void): void;
  /** Removes what `place` made; idempotent. */
  remove(processId: string): Promise<void>;
  close(): Promise<void>;
}
