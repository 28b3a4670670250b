/**
 * What the Admin and a train worker say to each other (comlink over IPC). The
 * worker holds no credentials: it receives file paths and knobs, and sends back
 * logs, intermediate scores and the trained parameters.
 */
import type { Knobs } from '../../model/knobs.ts';
import type { EarlyStopDecision } from '../../model/model.ts';
import type { Task } from '../../model/task.ts';

export interface TrainWorkerSetup {
  /** The template file, in a folder where `rafiki/model` and its dependencies resolve. */
  templatePath: string;
  className: string;
  task: Task;
  trainPath: string;
  valPath: string;
  /** `train_args` of the job: for tabular tasks, `target` and `features`. */
  trainArgs: { target?: string; features?: string[] };
}

export type LogEntry =
  | { kind: 'MESSAGE'; time: string; message: string }
  | { kind: 'METRICS'; time: string; metrics: Record<string, number> }
  | { kind: 'PLOT'; time: string; title: string; metrics: string[]; xAxis: string | null };

export type TrialOutcome =
  /** TERMINATED: the Advisor stopped it early; it was still evaluated and saved. */
  | { status: 'COMPLETED' | 'TERMINATED'; score: number; params: Uint8Array; onnx: Uint8Array | null }
  | { status: 'ERRORED'; error: string };

export interface TrainWorkerApi {
  /** Loads the template and both datasets once, before the first trial. */
  setup(setup: TrainWorkerSetup): Promise<void>;
  runTrial(trial: { trialId: string; knobs: Knobs }): Promise<TrialOutcome>;
}

export interface TrainHostApi {
  log(trialId: string, entry: LogEntry): void;
  /** An intermediate score; the answer is the Advisor's early-stopping decision. */
  report(trialId: string, step: number, score: number): Promise<EarlyStopDecision>;
}

export const HOST_CHANNEL = 'host';
export const WORKER_CHANNEL = 'worker';
