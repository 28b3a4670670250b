/** /models: template uploads checked in a subprocess, listing, download and deletion. */
import { Elysia, t } from 'elysia';
import { DEVELOPER_TYPES, MODEL_DEVELOPER_TYPES } from '../../common/domain.ts';
import { badRequest, conflict, notFound, RafikiError } from '../../common/errors.ts';
import { assertOwner, visibleModelOr404 } from '../access.ts';
import { checkLimits } from '../services/limits.ts';
import { guard, type Caller } from '../auth/guard.ts';
import type { AdminDeps } from '../context.ts';
import { CreateModelForm, ModelRefParams, ModelResponse, ModelsQuery, ModelVersionQuery } from '../schemas/models.ts';
import { checkTemplate } from '../services/checker.ts';
import { checkDependencies, TemplateFiles } from '../services/template-files.ts';
import type { ModelRecord } from '../store/models.ts';
import { formValidator } from '../uploads/fields.ts';
import { readMultipart } from '../uploads/multipart.ts';

const MAX_TEMPLATE_BYTES = 10 * 1024 * 1024;
const validateForm = formValidator(CreateModelForm);

export const modelJson = (model: ModelRecord) => ({
  id: model.id,
  user_id: model.userId,
  name: model.name,
  version: model.version,
  task: model.task,
  model_class: model.modelClass,
  dependencies: model.dependencies,
  access_right: model.accessRight,
  knob_config: model.knobConfig,
  datetime_created: model.createdAt.toISOString(),
});

async function readAll(stream: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    if (size > limit) throw new RafikiError('PAYLOAD_TOO_LARGE', `the template file is larger than ${limit / 1024 / 1024} MB`);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function parseDependencies(raw: string | undefined) {
  if (raw === undefined || raw.trim() === '') return {};
  try {
    return checkDependencies(JSON.parse(raw));
  } catch (error) {
    if (error instanceof SyntaxError) throw badRequest(`dependencies must be JSON, e.g. {"lodash": "4.17.21"}: ${error.message}`);
    throw error;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A template by its id, or by its name: the caller's own template of that name,
 * else the one public template of that name; its latest version, or `version`.
 */
async function modelByRef(deps: AdminDeps, caller: Caller, ref: string, version: number | undefined): Promise<ModelRecord> {
  if (UUID.test(ref)) {
    if (version !== undefined) throw badRequest(`version: ${ref} is a model id, which names one version already; give a model name with a version`);
    return visibleModelOr404(caller, await deps.store.models.byId(ref), ref);
  }
  const what = `model ${ref}${version === undefined ? '' : ` version ${version}`}`;
  const own = await deps.store.models.byOwnerAndName(caller.id, ref, version);
  if (own) return own;
  const shared = await deps.store.models.publicByName(ref, version);
  if (shared.length > 1) throw conflict(`${shared.length} users have a public ${what}; ask for it by its id`);
  if (!shared[0]) throw notFound(`${what} not found among your models and the public ones`);
  return shared[0];
}

export const modelRoutes = (deps: AdminDeps) =>
  new Elysia()
    .use(guard(deps))
    .post('/models', async ({ request, caller }) => {
      const { fields, files } = await readMultipart(request, {
        fileFields: ['model_file_bytes'],
        onFile: (_field, stream) => readAll(stream, MAX_TEMPLATE_BYTES),
      });
      const form = validateForm(fields);
      const code = files.model_file_bytes;
      if (!code || code.byteLength === 0) throw badRequest("form: 'model_file_bytes' is required (the template's source file)");
      const dependencies = parseDependencies(form.dependencies);
      const previous = await deps.store.models.byOwnerAndName(caller.id, form.name);
      if (previous && previous.task !== form.task) {
        throw badRequest(`task: your model ${form.name} is for ${previous.task}, so its next version must be too, not ${form.task}; or upload it under another name`);
      }
      const folder = await deps.templates.prepare(dependencies);
      const path = deps.templates.write(folder, code);
      const checked = await checkTemplate(deps.services, {
        ...checkLimits(deps.config, deps.config.templateCheckMs),
        file: path, nodeModules: TemplateFiles.nodeModules(folder), className: form.model_class, task: form.task, subject: 'the template',
      }).catch((error: unknown) => {
        // What the check finds wrong is in the uploaded file, as read with the class and task asked for.
        if (error instanceof RafikiError && error.status === 400) throw badRequest(`model_file_bytes: ${error.message}`);
        throw error;
      });
      const record = {
        userId: caller.id,
        name: form.name,
        task: form.task,
        modelClass: form.model_class,
        dependencies,
        accessRight: form.access_right ?? 'PRIVATE',
        knobConfig: checked.knobConfig,
        code,
      };
      // Two uploads of one name at once both read the same latest version; the one that lost takes the next.
      for (let attempt = 0; attempt < 3; attempt++) {
        const model = await deps.store.models.create(record);
        if (model) return modelJson(model);
      }
      throw conflict(`other uploads of ${form.name} kept taking its next version; try again`);
    }, {
      roles: MODEL_DEVELOPER_TYPES,
      response: { 200: ModelResponse },
      detail: {
        summary: 'Upload a model template (multipart: model_file_bytes, name, task, model_class, dependencies, access_right); under a name you already have, it is that name\'s next version',
        tags: ['models'],
      },
    })
    .get('/models/available', async ({ query, caller }) => {
      const models = await deps.store.models.available(caller.id, { task: query.task, allVersions: query.all_versions === 'true' });
      return models.map(modelJson);
    }, {
      roles: DEVELOPER_TYPES,
      query: ModelsQuery,
      response: { 200: t.Array(ModelResponse) },
      detail: { summary: 'Your templates and the public ones: the latest version of each, or every version with all_versions=true', tags: ['models'] },
    })
    .get('/models/:id', async ({ params, query, caller }) => modelJson(await modelByRef(deps, caller, params.id, query.version)), {
      roles: DEVELOPER_TYPES,
      params: ModelRefParams,
      query: ModelVersionQuery,
      response: { 200: ModelResponse },
      detail: { summary: 'A template by id, or by name: its latest version, or ?version=N', tags: ['models'] },
    })
    .get('/models/:id/model_file', async ({ params, caller }) => {
      visibleModelOr404(caller, await deps.store.models.byId(params.id), params.id);
      const code = await deps.store.models.code(params.id);
      return new Response(code as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } });
    }, {
      roles: DEVELOPER_TYPES,
      params: t.Object({ id: t.String({ format: 'uuid', expected: 'a model id' }) }),
      detail: { summary: "A template's source file, byte for byte", tags: ['models'] },
    })
    .delete('/models/:id', async ({ params, caller }) => {
      const model = visibleModelOr404(caller, await deps.store.models.byId(params.id), params.id);
      assertOwner(caller, model, 'delete this model');
      if (await deps.store.models.inUse(model.id)) throw conflict(`model ${model.name} is used by a train job and cannot be deleted`);
      await deps.store.models.delete(model.id);
      return modelJson(model);
    }, {
      roles: DEVELOPER_TYPES,
      params: t.Object({ id: t.String({ format: 'uuid', expected: 'a model id' }) }),
      response: { 200: ModelResponse },
      detail: { summary: 'Delete a template no job uses', tags: ['models'] },
    });
