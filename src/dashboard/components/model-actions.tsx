/** A template's download (its source, byte for byte) and, for its owner or an admin, its deletion after a confirmation. */
import { ADMIN_TYPES } from '../../common/domain.ts';
import type { ModelJson } from '../../admin/schemas/models.ts';
import { useSession } from '../app-session.ts';
import { saveFile } from './save-file.ts';

export function ModelActions({ model, onError, onDeleted }: { model: ModelJson; onError: (error: unknown) => void; onDeleted: () => void }) {
  const { api, session, expired } = useSession();
  const mayDelete = model.user_id === session.userId || ADMIN_TYPES.includes(session.userType);
  const run = (action: () => Promise<void>) => async () => {
    onError(null);
    try {
      await action();
    } catch (caught) {
      if (!expired(caught)) onError(caught);
    }
  };
  const download = run(async () => saveFile(await api.downloadModelFile(model.id), `${model.name}.ts`));
  const remove = run(async () => {
    if (!confirm(`Delete the template ${model.name}? This cannot be undone.`)) return;
    await api.deleteModel(model.id);
    onDeleted();
  });
  return (
    <span class="actions">
      <button type="button" class="secondary" onClick={download} aria-label={`Download ${model.name}`}>Download</button>
      {mayDelete && <button type="button" class="danger" onClick={remove} aria-label={`Delete ${model.name}`}>Delete</button>}
    </span>
  );
}
