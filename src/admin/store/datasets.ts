/** Datasets' metadata; their files live in the content-addressed blob store. */
import type { Task } from '../../common/domain.ts';
import type { DatasetPreview } from '../../common/protocols/check.ts';
import type { Sql } from './database.ts';

/** What the upload check found: rows, columns or images, classes. */
export interface DatasetStats {
  rows?: number;
  columns?: string[];
  images?: number;
  classes: string[];
}

export interface DatasetRecord {
  id: string;
  userId: string;
  name: string;
  task: Task;
  sha256: string;
  sizeBytes: number;
  stats: DatasetStats;
  createdAt: Date;
}

interface DatasetRow {
  id: string;
  user_id: string;
  name: string;
  task: Task;
  sha256: string;
  size_bytes: string | number;
  stats: DatasetStats;
  created_at: Date;
}

const toDataset = (row: DatasetRow): DatasetRecord => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  task: row.task,
  sha256: row.sha256,
  sizeBytes: Number(row.size_bytes),
  stats: row.stats,
  createdAt: row.created_at,
});

export class DatasetStore {
  constructor(private readonly sql: Sql) {}

  /** Records a dataset, with its preview when there is one (in one transaction). */
  async create(input: Omit<DatasetRecord, 'id' | 'createdAt'>, preview?: DatasetPreview): Promise<DatasetRecord> {
    return this.sql.begin(async (tx) => {
      const [row] = await tx<DatasetRow[]>`
        insert into datasets (user_id, name, task, sha256, size_bytes, stats)
        values (${input.userId}, ${input.name}, ${input.task}, ${input.sha256}, ${input.sizeBytes}, ${this.sql.json(input.stats as never)})
        returning *`;
      if (preview) await tx`insert into dataset_previews (dataset_id, preview) values (${row!.id}, ${this.sql.json(preview as never)})`;
      return toDataset(row!);
    });
  }

  async preview(id: string): Promise<DatasetPreview | null> {
    const [row] = await this.sql<{ preview: DatasetPreview }[]>`select preview from dataset_previews where dataset_id = ${id}`;
    return row?.preview ?? null;
  }

  /** Keeps a preview made after the upload (of a dataset uploaded before previews were kept). */
  async savePreview(id: string, preview: DatasetPreview): Promise<void> {
    await this.sql`
      insert into dataset_previews (dataset_id, preview)
      select ${id}, ${this.sql.json(preview as never)} where exists (select 1 from datasets where id = ${id})
      on conflict (dataset_id) do nothing`;
  }

  async byId(id: string): Promise<DatasetRecord | null> {
    const [row] = await this.sql<DatasetRow[]>`select * from datasets where id = ${id}`;
    return row ? toDataset(row) : null;
  }

  async ofUser(userId: string, task?: Task): Promise<DatasetRecord[]> {
    const rows = await this.sql<DatasetRow[]>`
      select * from datasets where user_id = ${userId} ${task ? this.sql`and task = ${task}` : this.sql``}
      order by created_at, name`;
    return rows.map(toDataset);
  }

  async inUse(id: string): Promise<boolean> {
    const [row] = await this.sql<{ used: boolean }[]>`
      select exists (select 1 from train_jobs where train_dataset_id = ${id} or val_dataset_id = ${id}) as used`;
    return row?.used ?? false;
  }

  /** Deletes the record; answers whether another dataset still uses the same file. */
  async delete(id: string, sha256: string): Promise<{ fileShared: boolean }> {
    return this.sql.begin(async (tx) => {
      await tx`delete from datasets where id = ${id}`;
      const [row] = await tx<{ shared: boolean }[]>`select exists (select 1 from datasets where sha256 = ${sha256}) as shared`;
      return { fileShared: row?.shared ?? false };
    });
  }
}
