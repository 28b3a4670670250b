/** Wire schemas of /models (Rafiki 0.2.0's multipart fields and answers). */
import { t, type Static } from 'elysia';
import { ACCESS_RIGHTS, TASKS } from '../../common/domain.ts';
import { integer } from '../../common/integer-schema.ts';
import { INT32_MAX, oneOf } from './common.ts';

export const CreateModelForm = t.Object({
  name: t.String({ minLength: 1, maxLength: 200 }),
  task: oneOf(TASKS),
  model_class: t.String({ pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$', maxLength: 200, expected: 'a class name (a JavaScript identifier)' }),
  dependencies: t.Optional(t.String({ maxLength: 10_000, expected: 'a JSON object of package → version' })),
  access_right: t.Optional(oneOf(ACCESS_RIGHTS)),
  // Rafiki's client may send it; Bun workers have no Docker image, so it is accepted and ignored.
  docker_image: t.Optional(t.String()),
}, { additionalProperties: false });

export const ModelResponse = t.Object({
  id: t.String(),
  user_id: t.String(),
  name: t.String(),
  /** 1, 2, …: the owner's uploads under this name, in order. */
  version: t.Integer({ minimum: 1 }),
  task: oneOf(TASKS),
  model_class: t.String(),
  dependencies: t.Record(t.String(), t.String()),
  access_right: oneOf(ACCESS_RIGHTS),
  knob_config: t.Record(t.String(), t.Any()),
  datetime_created: t.String(),
});

export const ModelsQuery = t.Object({
  task: t.Optional(oneOf(TASKS)),
  all_versions: t.Optional(oneOf(['true', 'false'] as const)),
}, { additionalProperties: false });

/** A model's id, or its name (the caller's own template of that name, else the one public template of it). */
export const ModelRefParams = t.Object({ id: t.String({ minLength: 1, maxLength: 200, expected: 'a model id or name' }) });
export const ModelVersionQuery = t.Object({
  version: t.Optional(integer({ minimum: 1, maximum: INT32_MAX, expected: 'a version number (1, 2, …), with a model name' })),
}, { additionalProperties: false });

export type ModelJson = Static<typeof ModelResponse>;
