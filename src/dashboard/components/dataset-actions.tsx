/** A dataset in words, and its deletion after a confirmation. */
import type { DatasetJson } from '../../admin/schemas/datasets.ts';
import { useSession } from '../app-session.ts';

const count = (n: number, noun: string) => `${n.toLocaleString()} ${noun}${n === 1 ? '' : 's'}`;

/** "150 rows, 5 columns" or "30 images". */
export function describeStats({ stats }: DatasetJson): string {
  if (stats.images !== undefined) return count(stats.images, 'image');
  return [stats.rows === undefined ? null : count(stats.rows, 'row'), stats.columns ? count(stats.columns.length, 'column') : null].filter(Boolean).join(', ');
}

export function DeleteDataset({ dataset, onError, onDeleted }: { dataset: DatasetJson; onError: (error: unknown) => void; onDeleted: () => void }) {
  const { api, expired } = useSession();
  const remove = async () => {
    if (!confirm(`Delete the dataset ${dataset.name}? This cannot be undone.`)) return;
    onError(null);
    try {
      await api.deleteDataset(dataset.id);
      onDeleted();
    } catch (caught) {
      if (!expired(caught)) onError(caught);
    }
  };
  return <button type="button" class="danger" onClick={remove} aria-label={`Delete ${dataset.name}`}>Delete</button>;
}
