import type { SearchSpace } from '../space.ts';
import { gpStrategy } from './gp.ts';
import { randomStrategy } from './random.ts';
import type { Strategy } from './strategy.ts';
import { tpeStrategy } from './tpe.ts';

export interface AutoOptions {
  /** Largest GP input dimension (numeric knobs plus one per category) before TPE takes over. */
  maxGpDimensions?: number;
}

/**
 * Picks a strategy from the knobs: with nothing to tune, random (the session
 * stops after the one configuration there is); a GP up to about 20 input
 * dimensions, where it is data-efficient and cheap enough; TPE beyond.
 *
 * @example
 * autoStrategy(new SearchSpace({ lr: knobs.float(1e-4, 1, { log: true }) })).name; // 'gp'
 */
export function autoStrategy(space: SearchSpace, { maxGpDimensions = 20 }: AutoOptions = {}): Strategy {
  if (space.params.length === 0) return randomStrategy(space);
  const dims = space.params.reduce((sum, p) => sum + (p.kind === 'numeric' ? 1 : p.values.length), 0);
  return dims <= maxGpDimensions ? gpStrategy(space) : tpeStrategy(space);
}
