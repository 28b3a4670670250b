import { MemoryQueue } from './memory.ts';
import { queueSuite } from './queue-suite.ts';

queueSuite(() => ({ make: () => new MemoryQueue(), cleanup: async () => {} }));
