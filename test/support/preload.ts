import { setDefaultTimeout } from 'bun:test';

// End-to-end tests start real servers and subprocesses; 5 s is too short on 2 busy cores.
setDefaultTimeout(60_000);
