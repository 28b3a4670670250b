// The services contract on this machine without a sandbox (RAFIKI_SANDBOX=off).
import { describe } from 'bun:test';
import { LocalServices } from './local.ts';
import { unsandboxed } from './sandbox.ts';
import { servicesSuite } from './services-suite.ts';

describe('local services, unsandboxed', () => {
  servicesSuite(() => new LocalServices({ sandbox: unsandboxed, watchEveryMs: 50 }));
});
