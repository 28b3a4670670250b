/**
 * The templates of models/, created at first start as public templates owned by
 * the superadmin, so that an app developer can train without writing any. They go
 * through the same subprocess check as an upload.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AdminDeps } from './context.ts';
import { checkTemplate } from './services/checker.ts';
import { checkLimits } from './services/limits.ts';
import { TemplateFiles } from './services/template-files.ts';
import type { KnobConfig } from '../model/knobs.ts';
import type { Task } from '../model/task.ts';

const MODELS_DIR = resolve(import.meta.dir, '../../models');

/**
 * A template row serves one task, so a class that serves several is published once
 * per task, under its own `name` (the class's name when it serves one).
 */
export const BUILTIN_MODELS: readonly { file: string; modelClass: string; name?: string; task?: Task }[] = [
  { file: 'softmax_regression.ts', modelClass: 'SoftmaxRegression' },
  { file: 'tabular_mlp.ts', modelClass: 'TabularMlp' },
  { file: 'ridge_regression.ts', modelClass: 'RidgeRegression' },
  { file: 'tabular_mlp_regressor.ts', modelClass: 'TabularMlpRegressor' },
  { file: 'image_mlp.ts', modelClass: 'ImageMlp' },
  { file: 'image_cnn.ts', modelClass: 'ImageCnn' },
  { file: 'knn.ts', modelClass: 'KNearestNeighbors', name: 'KNearestNeighborsClassifier', task: 'TABULAR_CLASSIFICATION' },
  { file: 'knn.ts', modelClass: 'KNearestNeighbors', name: 'KNearestNeighborsRegressor', task: 'TABULAR_REGRESSION' },
];

/** Creates the built-in templates the superadmin does not have yet; answers the names created. */
export async function ensureBuiltinModels(deps: Pick<AdminDeps, 'store' | 'templates' | 'config' | 'services'>, superadminId: string): Promise<string[]> {
  const folder = await deps.templates.prepare({});
  const created = await Promise.all(BUILTIN_MODELS.map(async ({ file, modelClass, name = modelClass, task: only }) => {
    if (await deps.store.models.byOwnerAndName(superadminId, name)) return [];
    const code = readFileSync(join(MODELS_DIR, file));
    const path = deps.templates.write(folder, code);
    const checked = await checkTemplate(deps.services, {
      ...checkLimits(deps.config, deps.config.templateCheckMs), file: path, nodeModules: TemplateFiles.nodeModules(folder), className: modelClass, subject: name, ...(only ? { task: only } : {}),
    });
    const task = only ?? checked.tasks[0];
    if (!task) throw new Error(`built-in template ${modelClass} declares no task`);
    const model = await deps.store.models.create({
      userId: superadminId,
      name,
      task,
      modelClass,
      dependencies: {},
      accessRight: 'PUBLIC',
      knobConfig: checked.knobConfig as KnobConfig,
      code,
    });
    return model ? [model.name] : [];
  }));
  return created.flat();
}
