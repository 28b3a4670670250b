import { randomStrategy } from './random.ts';
import { strategySuite } from './strategy-suite.ts';

strategySuite('random', randomStrategy, { beatsRandom: false });
