/**
 * A short-lived subprocess that checks what a user uploads, so that template code
 * (and the parsing of a large dataset) never runs in the Admin's process.
 *
 *   bun src/worker/check.ts template <result.json> <file> <className> [task]
 *   bun src/worker/check.ts dataset  <result.json> <file> <task>
 *
 * The result goes to a file, not stdout, which the template may print to:
 * `{"ok": true, ...}` or `{"ok": false, "message": "..."}`.
 */
import { writeFileSync } from 'node:fs';
import { describeDataset } from '../model/datasets/describe.ts';
import { isTask } from '../model/task.ts';
import { loadTemplate } from '../model/template.ts';

export type CheckResult =
  | { ok: true; kind: 'template'; knobConfig: unknown; tasks: readonly string[] }
  | { ok: true; kind: 'dataset'; description: unknown }
  | { ok: false; message: string };

async function check(args: string[]): Promise<CheckResult> {
  const [kind, , file, ...rest] = args;
  if (kind === 'template') {
    const [className, task] = rest;
    if (!file || !className || (task !== undefined && !isTask(task))) throw new Error('usage: check.ts template <result> <file> <className> [task]');
    const template = await loadTemplate(file, className, task);
    return { ok: true, kind, knobConfig: template.knobConfig, tasks: template.tasks };
  }
  if (kind === 'dataset') {
    const [task] = rest;
    if (!file || !isTask(task)) throw new Error('usage: check.ts dataset <result> <file> <task>');
    return { ok: true, kind, description: await describeDataset(file, task) };
  }
  throw new Error(`unknown check ${JSON.stringify(kind)}`);
}

const args = process.argv.slice(2);
const resultPath = args[1];
if (!resultPath) throw new Error('usage: check.ts <template|dataset> <result.json> ...');
let result: CheckResult;
try {
  result = await check(args);
} catch (error) {
  result = { ok: false, message: error instanceof Error ? error.message : String(error) };
}
writeFileSync(resultPath, JSON.stringify(result));
// A template may leave timers or handles open; the check is over.
process.exit(0);
