import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from './errors.ts';
import { KnobError, validateKnobConfig } from './knobs.ts';
import type { ModelClass } from './model.ts';
import { isTask, type Task } from './task.ts';

/** The methods every template implements (docs/design.md §4); toOnnx is optional. */
const METHODS = ['train', 'evaluate', 'predict', 'dumpParameters', 'loadParameters'] as const;

/** A template that cannot be imported or does not follow the contract; an InputError, so the Admin answers 400. */
export class TemplateError extends InputError {
  constructor(message: string) {
    super(message);
  }
}

/**
 * Imports a template module and checks its contract: `className` is an exported
 * class with the methods of `Model` (checked by shape, since the template may
 * have imported another copy of the SDK), a valid `knobConfig`, and `task` among
 * its `tasks`. Throws a TemplateError saying what is wrong. The module runs as it
 * is imported, so call this only where template code may run (a worker or a
 * short-lived subprocess, never the Admin).
 *
 * @example
 * const Mlp = await loadTemplate('models/tabular-mlp.ts', 'TabularMlp', 'TABULAR_CLASSIFICATION');
 * const model = new Mlp({ hiddenUnits: 64, learningRate: 0.01 });
 */
export async function loadTemplate(file: string, className: string, task?: Task): Promise<ModelClass> {
  if (!existsSync(file)) throw new TemplateError(`there is no template file ${file}`);
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(resolve(file)).href);
  } catch (err) {
    throw new TemplateError(`cannot import ${file}: ${describeImportError(err)}`);
  }
  const exported = module[className];
  if (typeof exported !== 'function' || !('prototype' in exported)) {
    const classes = Object.keys(module).filter((name) => typeof module[name] === 'function');
    throw new TemplateError(`${file} exports no class named "${className}"` + (classes.length > 0 ? ` (it exports ${classes.join(', ')})` : ''));
  }
  const prototype = exported.prototype as Record<string, unknown>;
  const missing = METHODS.filter((method) => typeof prototype[method] !== 'function');
  if (missing.length > 0) {
    throw new TemplateError(`${className} does not follow the Model contract: it has no ${missing.join(', ')} method${missing.length > 1 ? 's' : ''}`);
  }
  const candidate = exported as unknown as ModelClass;
  try {
    validateKnobConfig(candidate.knobConfig);
  } catch (err) {
    if (err instanceof KnobError) throw new TemplateError(`${className}.knobConfig is invalid: ${err.message}`);
    throw err;
  }
  const tasks: unknown = candidate.tasks;
  if (!Array.isArray(tasks) || tasks.length === 0 || !tasks.every(isTask)) {
    throw new TemplateError(`${className}.tasks must list the tasks it serves (${['TABULAR_CLASSIFICATION', 'TABULAR_REGRESSION', 'IMAGE_CLASSIFICATION'].join(', ')}), not ${JSON.stringify(tasks)}`);
  }
  if (task !== undefined && !tasks.includes(task)) {
    throw new TemplateError(`${className} does not serve ${task}; it serves ${tasks.join(', ')}`);
  }
  return candidate;
}

interface Positioned { message: string; position?: { line: number; column: number; lineText?: string } | null }

/** An import of a file beside the template fails, in an upload as in test-model: say what to do. */
function withBundleHint(message: string): string {
  if (!/Cannot find module '\.\.?\//.test(message)) return message;
  return `${message} (a template is one module, as it is uploaded: bundle the files it imports into it, e.g. bun build <file> --external 'rafiki/*' --outfile <bundle.js>)`;
}

function describeImportError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // Bun reports a module that does not parse as an AggregateError of build messages,
  // each with its place as `position`, not in its message.
  const first = err instanceof AggregateError && err.errors.length > 0 ? (err.errors[0] as Positioned) : (err as Positioned);
  const { position } = first;
  if (!position || position.line <= 0) return withBundleHint(first.message);
  const more = err instanceof AggregateError && err.errors.length > 1 ? ` (and ${err.errors.length - 1} more errors)` : '';
  const text = position.lineText ? `: ${position.lineText.trim()}` : '';
  return `syntax error at line ${position.line}, column ${position.column}: ${first.message}${text}${more}`;
}
