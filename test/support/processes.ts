/** Running `bun scripts/...` as a real subprocess and reading what it prints. */
import type { Subprocess } from 'bun';

export const BUN = process.execPath;
export const ROOT = new URL('../..', import.meta.url).pathname;

export interface Spawned {
  process: Subprocess<'ignore', 'pipe', 'pipe'>;
  /** Everything printed to stdout so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in stdout, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export function spawnScript(args: string[], env: Record<string, string | undefined>): Spawned {
  const child = Bun.spawn([BUN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  });
  let stdout = '';
  const listeners = new Set<() => void>();
  void (async () => {
    const decoder = new TextDecoder();
    const reader = child.stdout.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      stdout += decoder.decode(r.value);
      for (const listener of listeners) listener();
    }
  })();
  return {
    process: child,
    output: () => stdout,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = stdout.match(pattern);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(match);
          }
        };
        const timer = setTimeout(async () => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; stdout:\n${stdout}\nstderr:\n${await new Response(child.stderr).text()}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}
