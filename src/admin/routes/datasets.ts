/** /datasets: uploads streamed to the blob store and checked against their task in a subprocess. */
import { Elysia, t } from 'elysia';
import { DEVELOPER_TYPES } from '../../common/domain.ts';
import { badRequest, conflict, RafikiError } from '../../common/errors.ts';
import type { CheckedDataset } from '../../common/protocols/check.ts';
import { ownedOr404 } from '../access.ts';
import { guard } from '../auth/guard.ts';
import type { AdminDeps } from '../context.ts';
import type { StagedBlob } from '../files/blob-store.ts';
import { CreateDatasetForm, DatasetPreviewResponse, DatasetResponse, DatasetsQuery } from '../schemas/datasets.ts';
import { checkDataset } from '../services/checker.ts';
import { checkLimits } from '../services/limits.ts';
import type { DatasetRecord, DatasetStats } from '../store/datasets.ts';
import { formValidator } from '../uploads/fields.ts';
import { allowList, fetchStream } from '../uploads/fetch-url.ts';
import { readMultipart } from '../uploads/multipart.ts';

const validateForm = formValidator(CreateDatasetForm);
const IdParams = t.Object({ id: t.String({ format: 'uuid', expected: 'a dataset id' }) });

export const datasetJson = (dataset: DatasetRecord) => ({
  id: dataset.id,
  owner_id: dataset.userId,
  name: dataset.name,
  task: dataset.task,
  size_bytes: dataset.sizeBytes,
  sha256: dataset.sha256,
  stats: dataset.stats,
  datetime_created: dataset.createdAt.toISOString(),
});

function statsOf({ description }: CheckedDataset): DatasetStats {
  return description.kind === 'tabular'
    ? { rows: description.rows, columns: description.columns.map((c) => c.name), classes: description.classes }
    : { images: description.images, classes: description.classes };
}

export const datasetRoutes = (deps: AdminDeps) => {
  const allowed = allowList(deps.config.datasetUrlAllow);
  return new Elysia()
    .use(guard(deps))
    .post('/datasets', async ({ request, caller }) => {
      const limit = deps.config.maxDatasetBytes;
      let staged: StagedBlob | undefined;
      try {
        const { fields, files } = await readMultipart(request, {
          fileFields: ['dataset'],
          onFile: (_field, stream) => deps.blobs.stage(stream, limit),
          discard: (blob) => deps.blobs.drop(blob),
        });
        staged = files.dataset;
        const form = validateForm(fields);
        if (staged && form.dataset_url) throw badRequest('send either a dataset file or dataset_url, not both');
        if (!staged && !form.dataset_url) throw badRequest("form: 'dataset' (a file) or 'dataset_url' is required");
        const fromUrl = staged === undefined;
        staged ??= await deps.blobs.stage(await fetchStream(form.dataset_url!, { timeoutMs: deps.config.datasetUrlTimeoutMs, allowed }), limit);
        if (staged.size === 0) throw badRequest('the dataset file is empty');
        const checked = await checkDataset(deps.services, { ...checkLimits(deps.config, deps.config.datasetCheckMs), file: staged.path, task: form.task })
          .catch((error: unknown) => {
            // The check quotes the file where it is wrong: a fetched file's content is not echoed.
            if (fromUrl && error instanceof RafikiError && error.status === 400) {
              throw badRequest(`the file at dataset_url is not a valid ${form.task} dataset; download it and upload it as a file to see where`);
            }
            throw error;
          });
        deps.blobs.keep(staged);
        const dataset = await deps.store.datasets.create({
          userId: caller.id,
          name: form.name,
          task: form.task,
          sha256: staged.sha256,
          sizeBytes: staged.size,
          stats: statsOf(checked),
        }, checked.preview);
        staged = undefined;
        return datasetJson(dataset);
      } finally {
        if (staged) deps.blobs.drop(staged);
      }
    }, {
      roles: DEVELOPER_TYPES,
      response: { 200: DatasetResponse },
      detail: { summary: 'Upload a dataset (multipart: dataset file or dataset_url, name, task)', tags: ['datasets'] },
    })
    .get('/datasets', async ({ query, caller }) => (await deps.store.datasets.ofUser(caller.id, query.task)).map(datasetJson), {
      roles: DEVELOPER_TYPES,
      query: DatasetsQuery,
      response: { 200: t.Array(DatasetResponse) },
      detail: { summary: 'Your datasets', tags: ['datasets'] },
    })
    .get('/datasets/:id', async ({ params, caller }) => datasetJson(ownedOr404(caller, await deps.store.datasets.byId(params.id), `dataset ${params.id}`)), {
      roles: DEVELOPER_TYPES,
      params: IdParams,
      response: { 200: DatasetResponse },
      detail: { summary: 'A dataset', tags: ['datasets'] },
    })
    .get('/datasets/:id/preview', async ({ params, caller }) => {
      const dataset = ownedOr404(caller, await deps.store.datasets.byId(params.id), `dataset ${params.id}`);
      const stored = await deps.store.datasets.preview(dataset.id);
      if (stored) return stored;
      // Uploaded before previews were kept: its file is checked again, in the sandbox, once.
      const { preview } = await checkDataset(deps.services, { ...checkLimits(deps.config, deps.config.datasetCheckMs), file: deps.blobs.pathOf(dataset.sha256), task: dataset.task });
      await deps.store.datasets.savePreview(dataset.id, preview);
      return preview;
    }, {
      roles: DEVELOPER_TYPES,
      params: IdParams,
      response: { 200: DatasetPreviewResponse },
      detail: { summary: "A dataset's preview: first rows and column types of a table, class counts and thumbnails of images", tags: ['datasets'] },
    })
    .delete('/datasets/:id', async ({ params, caller }) => {
      const dataset = ownedOr404(caller, await deps.store.datasets.byId(params.id), `dataset ${params.id}`);
      if (await deps.store.datasets.inUse(dataset.id)) throw conflict(`dataset ${dataset.name} is used by a train job and cannot be deleted`);
      const { fileShared } = await deps.store.datasets.delete(dataset.id, dataset.sha256);
      if (!fileShared) deps.blobs.remove(dataset.sha256);
      return datasetJson(dataset);
    }, {
      roles: DEVELOPER_TYPES,
      params: IdParams,
      response: { 200: DatasetResponse },
      detail: { summary: 'Delete a dataset no job uses', tags: ['datasets'] },
    });
};
