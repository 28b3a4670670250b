/** Wire schemas of /datasets (Rafiki 0.2.0's multipart fields, with the metadata Rafiki on Bun adds). */
import { t, type Static } from 'elysia';
import { TASKS } from '../../common/domain.ts';
import { DatasetPreviewSchema } from '../../common/protocols/check.ts';
import { oneOf } from './common.ts';

export const CreateDatasetForm = t.Object({
  name: t.String({ minLength: 1, maxLength: 200 }),
  task: oneOf(TASKS),
  dataset_url: t.Optional(t.String({ pattern: '^https?://', maxLength: 2000, expected: 'an http:// or https:// URL' })),
}, { additionalProperties: false });

export const DatasetResponse = t.Object({
  id: t.String(),
  owner_id: t.String(),
  name: t.String(),
  task: oneOf(TASKS),
  size_bytes: t.Number(),
  sha256: t.String(),
  stats: t.Object({
    rows: t.Optional(t.Number()),
    columns: t.Optional(t.Array(t.String())),
    images: t.Optional(t.Number()),
    classes: t.Array(t.String()),
  }),
  datetime_created: t.String(),
});

export const DatasetsQuery = t.Object({ task: t.Optional(oneOf(TASKS)) }, { additionalProperties: false });

export type DatasetJson = Static<typeof DatasetResponse>;

/** GET /datasets/:id/preview: the first rows and column types of a table; the class counts and a few thumbnails (PNG data URLs) of images. */
export const DatasetPreviewResponse = DatasetPreviewSchema;
export type DatasetPreviewJson = Static<typeof DatasetPreviewResponse>;
