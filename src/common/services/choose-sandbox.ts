/** RAFIKI_SANDBOX: which sandbox the processes that run uploaded code run in (the Admin's, and a remote runner's as the Admin says). */
import { ConfigError, type SandboxMode } from '../config.ts';
import { bubblewrap, bubblewrapProblem } from './bubblewrap.ts';
import { unsandboxed, type Sandbox } from './sandbox.ts';

/**
 * `off`: none. `required`: bubblewrap, or the start fails saying why not.
 * `auto`: bubblewrap when it works here, else none, with a warning.
 */
export async function chooseSandbox(mode: SandboxMode, warn: (message: string) => void = console.warn): Promise<Sandbox> {
  if (mode === 'off') return unsandboxed;
  const problem = await bubblewrapProblem();
  if (problem === null) return bubblewrap();
  if (mode === 'required') throw new ConfigError(`RAFIKI_SANDBOX is required, but bubblewrap cannot make a sandbox here: ${problem}`);
  warn(`warning: uploaded templates run WITHOUT a sandbox (RAFIKI_SANDBOX=auto): ${problem}. Install bubblewrap, or set RAFIKI_SANDBOX=off to silence this.`);
  return unsandboxed;
}
