/** Early stoppers by the `stopping` field of a session's creation. */
import type { StoppingConfig } from '../schema.ts';
import { ashaStopper } from './asha.ts';
import { medianStopper } from './median.ts';
import { neverStop, type EarlyStopper } from './stopper.ts';

/**
 * The stopper a session uses; ASHA with its defaults when nothing is said.
 *
 * @example
 * createStopper({ type: 'asha', reduction_factor: 3, min_resource: 1, max_resource: 81 });
 */
export function createStopper(config: StoppingConfig = { type: 'asha' }): EarlyStopper {
  switch (config.type) {
    case 'asha':
      return ashaStopper({
        reductionFactor: config.reduction_factor,
        minResource: config.min_resource,
        maxResource: config.max_resource,
      });
    case 'median':
      return medianStopper({ startupTrials: config.startup_trials, warmupSteps: config.warmup_steps });
    case 'none':
      return neverStop;
  }
}

export type { Decision, EarlyStopper } from './stopper.ts';
