/** Runs the CLI as a user would: a subprocess of bin/rafiki with its own config directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dir, '../..');
export const IRIS = join(ROOT, 'test/fixtures/iris.csv');
export const TINY = join(ROOT, 'test/fixtures/templates/tiny-centroid.ts');
export const TASK = 'TABULAR_CLASSIFICATION';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON. */
  json: any;
}

export interface Cli {
  /** The config directory the CLI keeps its login in. */
  dir: string;
  run(args: string[], env?: Record<string, string>): Promise<Run>;
  /**
   * Runs it on a pseudo-terminal (util-linux `script`), stdout and stderr merged;
   * `type` is typed on the terminal once `after` has been printed.
   */
  runOnTty(args: string[], input?: { after: string; type: string }): Promise<{ code: number; output: string }>;
  dispose(): void;
}

export function cli(): Cli {
  const dir = mkdtempSync(join(tmpdir(), 'rafiki-cli-config-'));
  const env = () => {
    const { RAFIKI_PASSWORD: _, RAFIKI_ADMIN_URL: __, ...rest } = process.env;
    return { ...rest, RAFIKI_CONFIG_DIR: dir };
  };
  return {
    dir,
    async run(args, extra = {}) {
      const child = Bun.spawn([join(ROOT, 'bin/rafiki'), ...args], { stdout: 'pipe', stderr: 'pipe', env: { ...env(), ...extra } });
      const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      return { code, stdout, stderr, json };
    },
    async runOnTty(args, input) {
      const command = [join(ROOT, 'bin/rafiki'), ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
      const child = Bun.spawn(['script', '-qefc', command, '/dev/null'], { stdin: input ? 'pipe' : 'ignore', stdout: 'pipe', env: { ...env(), COLUMNS: '120' } });
      let output = '';
      const decoder = new TextDecoder();
      const reader = child.stdout.getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        output += decoder.decode(read.value, { stream: true });
        if (input && output.includes(input.after) && child.stdin) {
          child.stdin.write(input.type);
          await child.stdin.end();
          input = undefined;
        }
      }
      return { code: await child.exited, output };
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
