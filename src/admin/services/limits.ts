/** The limits of each kind of process the Admin starts, from its settings. */
import type { Config } from '../../common/config.ts';
import type { Limits } from '../../common/services/services.ts';
import type { CheckLimits } from './checker.ts';

/** Dependency installs: as much memory as a worker, a few minutes. */
const INSTALL_SECONDS = 300;

export function checkLimits(config: Config, timeoutMs: number): CheckLimits {
  return { timeoutMs, memoryBytes: config.workerMemoryBytes, processes: config.workerProcesses };
}

export function installLimits(config: Config): Limits {
  return { memoryBytes: config.workerMemoryBytes, processes: config.workerProcesses, wallSeconds: INSTALL_SECONDS };
}

/** Train workers: CPU per trial (the clock restarts with each), memory and processes for their life. */
export function trainWorkerLimits(config: Config): Limits {
  return { memoryBytes: config.workerMemoryBytes, processes: config.workerProcesses, cpuSeconds: config.trialCpuSeconds };
}

export function inferenceWorkerLimits(config: Config): Limits {
  return { memoryBytes: config.workerMemoryBytes, processes: config.workerProcesses };
}

/**
 * Frontends run Rafiki's own code, and their inference workers are in their
 * process tree: room for each worker's limits and one more for the frontend.
 */
export function frontendLimits(config: Config, workers: number): Limits {
  return { memoryBytes: (workers + 1) * config.workerMemoryBytes, processes: (workers + 1) * config.workerProcesses };
}
