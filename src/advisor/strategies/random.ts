import { sampleKnobs } from '../../model/knobs.ts';
import type { SearchSpace } from '../space.ts';
import type { Strategy } from './strategy.ts';

/**
 * Random search: every knob drawn independently and uniformly (log-uniformly for
 * log knobs). The baseline the others must beat.
 *
 * @example
 * randomStrategy(space).propose({ observations: [], pending: [], rng: mulberry32(1) });
 */
export function randomStrategy(space: SearchSpace): Strategy {
  return {
    name: 'random',
    propose: ({ rng }) => sampleKnobs(space.config, rng),
  };
}
