/**
 * Checks of uploads in a process of their own (src/worker/check.ts), started
 * sandboxed through the services manager under memory, process, CPU and wall
 * limits; its outcome becomes a result or a 400 that says what the user must
 * fix, in the template's own words and nothing of the Admin's.
 */
import { join } from 'node:path';
import { badRequest } from '../../common/errors.ts';
import { connect, ProtocolError, RemoteError, type Remote } from '../../common/ipc/calls.ts';
import { CHECK_CALLS, CHECK_CHANNEL, type CheckedDataset } from '../../common/protocols/check.ts';
import type { Limits, ManagedProcess, ProcessSpec } from '../../common/services/services.ts';
import { KnobError, validateKnobConfig, type KnobConfig } from '../../model/knobs.ts';
import type { Task } from '../../model/task.ts';
import type { ServicesManager } from './manager.ts';

const CHECK_SCRIPT = join(import.meta.dir, '../../worker/check.ts');

export interface CheckLimits {
  /** Wall time; CPU time may be twice as much (a check's CPU counts Bun's own threads too). */
  timeoutMs: number;
  memoryBytes: number;
  processes: number;
}

/**
 * A check that loops ends at its wall time; CPU at twice that ends one that burns
 * several cores (processes or threads) sooner, and never races the wall time for a
 * single busy loop, which would make its message depend on timing.
 */
function limitsOf({ timeoutMs, memoryBytes, processes }: CheckLimits): Limits {
  return { memoryBytes, processes, cpuSeconds: (2 * timeoutMs) / 1000, wallSeconds: timeoutMs / 1000 };
}

/** Runs one question in a fresh check process; `subject` names what is checked in messages ("the template"). */
async function runCheck<T>(services: ServicesManager, spec: Omit<ProcessSpec, 'kind' | 'run' | 'untrusted'>, subject: string, ask: (check: Remote<typeof CHECK_CALLS>, process: ManagedProcess) => Promise<T>): Promise<T> {
  const process = await services.run({ ...spec, kind: 'CHECK', run: { script: CHECK_SCRIPT }, untrusted: true });
  try {
    const died = process.wait().then((info): never => {
      if (info.limit === 'wallSeconds') {
        throw badRequest(`${subject} did not finish loading within ${spec.limits.wallSeconds} s (does it loop or wait while being imported?)`);
      }
      if (info.limit) throw badRequest(`${subject} was stopped while being checked: ${info.reason.replace(/^killed: /, '')}`);
      const tail = info.output.trim().split('\n').slice(-5).join('\n');
      throw badRequest(`${subject} ended its process (${info.reason}) while being checked${tail ? `: ${tail}` : ''}`);
    });
    return await Promise.race([ask(connect(process.endpoint(CHECK_CHANNEL), CHECK_CALLS), process), died]);
  } catch (error) {
    if (error instanceof ProtocolError) throw badRequest(`${subject} broke the check's protocol: ${error.message}`);
    // The template's message, with the sandbox's paths of what was checked named as the user knows them.
    if (error instanceof RemoteError) throw badRequest(Object.values(process.paths).reduce((message, path) => message.replaceAll(path, subject), error.message));
    throw error;
  } finally {
    await process.stop(0);
  }
}

/** Loads a template in a sandbox and checks its contract; answers its knob config and tasks. */
export async function checkTemplate(services: ServicesManager, options: CheckLimits & {
  file: string; nodeModules: string; className: string; task?: Task; subject: string;
}): Promise<{ knobConfig: KnobConfig; tasks: Task[] }> {
  return runCheck(services, { template: { file: options.file, nodeModules: options.nodeModules }, limits: limitsOf(options) }, options.subject, async (check, process) => {
    const { knobConfig, tasks } = await check.template({ path: process.paths.template!, className: options.className, ...(options.task ? { task: options.task } : {}) });
    try {
      validateKnobConfig(knobConfig);
    } catch (error) {
      if (error instanceof KnobError) throw badRequest(`${options.className}.knobConfig is invalid: ${error.message}`);
      throw error;
    }
    return { knobConfig: knobConfig as KnobConfig, tasks };
  });
}

/** Reads a whole dataset in a sandbox against its task's format; answers what it holds. */
export function checkDataset(services: ServicesManager, options: CheckLimits & { file: string; task: Task }): Promise<CheckedDataset> {
  return runCheck(services, { files: { dataset: options.file }, limits: limitsOf(options) }, 'the dataset', (check, process) =>
    check.dataset({ path: process.paths.dataset!, task: options.task }));
}
