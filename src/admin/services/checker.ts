/**
 * Runs src/worker/check.ts in a subprocess under a time limit and turns its
 * outcome into a result or a 400 that says what the user must fix.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { badRequest } from '../../common/errors.ts';
import type { CheckResult } from '../../worker/check.ts';

const CHECK_SCRIPT = join(import.meta.dir, '../../worker/check.ts');

export interface CheckOptions {
  timeoutMs: number;
  /** Working directory: a template's dependencies resolve from its own folder regardless. */
  cwd?: string;
  /** What is checked, for messages: "the template", "the dataset". */
  subject: string;
  /** The checked file's path on this machine, replaced by `subject` in messages. */
  file?: string;
}

export async function runCheck(args: string[], options: CheckOptions): Promise<Extract<CheckResult, { ok: true }>> {
  const dir = mkdtempSync(join(tmpdir(), 'rafiki-check-'));
  const resultPath = join(dir, 'result.json');
  try {
    const child = Bun.spawn([process.execPath, CHECK_SCRIPT, args[0]!, resultPath, ...args.slice(1)], {
      cwd: options.cwd,
      // The check needs no secret: a bare environment.
      env: { PATH: process.env.PATH ?? '', HOME: dir, NODE_ENV: 'production' },
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'pipe',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
    clearTimeout(timer);
    let result: CheckResult | undefined;
    try {
      result = JSON.parse(readFileSync(resultPath, 'utf8')) as CheckResult;
    } catch {
      result = undefined;
    }
    if (result?.ok) return result;
    if (result) throw badRequest(options.file ? result.message.replaceAll(options.file, options.subject) : result.message);
    if (child.signalCode === 'SIGKILL') {
      throw badRequest(`${options.subject} did not finish loading within ${options.timeoutMs / 1000} s (does it loop or wait while being imported?)`);
    }
    const tail = stderr.trim().split('\n').slice(-5).join('\n');
    throw badRequest(`${options.subject} ended its process (exit code ${code}) while being checked${tail ? `: ${tail}` : ''}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
