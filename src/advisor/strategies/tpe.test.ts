import { tpeStrategy } from './tpe.ts';
import { strategySuite } from './strategy-suite.ts';

strategySuite('tpe', (space) => tpeStrategy(space), { compareEvals: 100 });
