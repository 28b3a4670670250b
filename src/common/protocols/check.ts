/**
 * What the Admin asks a check process (src/worker/check.ts) about an upload:
 * whether a template loads and follows the contract, and what a dataset holds.
 * The check runs the template's code, so its answers are checked here too.
 */
import { Type, type Static } from '@sinclair/typebox';
import { PREVIEW_LIMITS } from '../../model/datasets/preview-limits.ts';
import type { CallList, Handlers } from '../ipc/calls.ts';
import { TaskSchema } from './values.ts';

export { CHECK_CHANNEL } from './channels.ts';

const Text = Type.String({ maxLength: 10_000 });
const Range = Type.Object({ min: Type.Integer({ minimum: 0 }), max: Type.Integer({ minimum: 0 }) });
const Count = Type.Integer({ minimum: 0 });

export const DatasetDescriptionSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('tabular'),
    task: Type.Union([Type.Literal('TABULAR_CLASSIFICATION'), Type.Literal('TABULAR_REGRESSION')]),
    rows: Count,
    columns: Type.Array(Type.Object({ name: Text, type: Type.Union([Type.Literal('numeric'), Type.Literal('text')]), missing: Count, distinct: Type.Union([Count, Type.Null()]) })),
    target: Text,
    classes: Type.Array(Text),
  }),
  Type.Object({
    kind: Type.Literal('image'),
    task: Type.Literal('IMAGE_CLASSIFICATION'),
    images: Count,
    classes: Type.Array(Text),
    height: Range,
    width: Range,
    colour: Type.Boolean(),
  }),
]);

/** What the dashboard shows of a dataset (src/model/datasets/preview.ts), bounded here too: the check parses a user's file. */
export const DatasetPreviewSchema = Type.Union([
  Type.Object({
    kind: Type.Literal('table'),
    columns: Type.Array(Type.Object({ name: Text, type: Type.Union([Type.Literal('numeric'), Type.Literal('text')]) })),
    rows: Type.Array(Type.Array(Type.String({ maxLength: PREVIEW_LIMITS.cellChars })), { maxItems: PREVIEW_LIMITS.rows }),
  }),
  Type.Object({
    kind: Type.Literal('images'),
    classes: Type.Array(Type.Object({ label: Text, count: Count })),
    // A 64×64 RGB PNG in base64 is at most some 17,000 characters.
    samples: Type.Array(Type.Object({ label: Text, image: Type.String({ pattern: '^data:image/png;base64,[A-Za-z0-9+/]+={0,2}$', maxLength: 40_000 }) }), { maxItems: PREVIEW_LIMITS.samples }),
  }),
]);
export type DatasetPreview = Static<typeof DatasetPreviewSchema>;

export const CheckedDatasetSchema = Type.Object({ description: DatasetDescriptionSchema, preview: DatasetPreviewSchema });
export type CheckedDataset = Static<typeof CheckedDatasetSchema>;

export const CHECK_CALLS = {
  /** Imports the template and checks its contract; answers its knob config (checked again by the Admin) and tasks. */
  template: {
    args: Type.Tuple([Type.Object({ path: Type.String(), className: Type.String(), task: Type.Optional(TaskSchema) })]),
    result: Type.Object({ knobConfig: Type.Unknown(), tasks: Type.Array(TaskSchema, { minItems: 1 }) }),
  },
  /** Reads the whole dataset against its task's format; answers what it holds and a preview of it. */
  dataset: { args: Type.Tuple([Type.Object({ path: Type.String(), task: TaskSchema })]), result: CheckedDatasetSchema },
} satisfies CallList;

export type CheckApi = Handlers<typeof CHECK_CALLS>;
