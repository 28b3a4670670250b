/** Model templates: their code, knob config and access right. */
import type { AccessRight, Task } from '../../common/domain.ts';
import type { KnobConfig } from '../../model/knobs.ts';
import type { Sql } from './database.ts';

export interface ModelRecord {
  id: string;
  userId: string;
  name: string;
  task: Task;
  modelClass: string;
  dependencies: Record<string, string>;
  accessRight: AccessRight;
  knobConfig: KnobConfig;
  createdAt: Date;
}

interface ModelRow {
  id: string;
  user_id: string;
  name: string;
  task: Task;
  model_class: string;
  dependencies: Record<string, string>;
  access_right: AccessRight;
  knob_config: KnobConfig;
  created_at: Date;
}

const toModel = (row: ModelRow): ModelRecord => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  task: row.task,
  modelClass: row.model_class,
  dependencies: row.dependencies,
  accessRight: row.access_right,
  knobConfig: row.knob_config,
  createdAt: row.created_at,
});

// Every column but the code, which only downloads and workers need.
const COLUMNS = 'id, user_id, name, task, model_class, dependencies, access_right, knob_config, created_at';

export class ModelStore {
  constructor(private readonly sql: Sql) {}

  /** Returns null when the owner already has a template of that name. */
  async create(input: Omit<ModelRecord, 'id' | 'createdAt'> & { code: Uint8Array }): Promise<ModelRecord | null> {
    const [row] = await this.sql<ModelRow[]>`
      insert into models (user_id, name, task, model_class, model_file, dependencies, access_right, knob_config)
      values (${input.userId}, ${input.name}, ${input.task}, ${input.modelClass}, ${input.code},
              ${this.sql.json(input.dependencies)}, ${input.accessRight}, ${this.sql.json(input.knobConfig as never)})
      on conflict (user_id, name) do nothing
      returning ${this.sql.unsafe(COLUMNS)}`;
    return row ? toModel(row) : null;
  }

  async byId(id: string): Promise<ModelRecord | null> {
    const [row] = await this.sql<ModelRow[]>`select ${this.sql.unsafe(COLUMNS)} from models where id = ${id}`;
    return row ? toModel(row) : null;
  }

  async byOwnerAndName(userId: string, name: string): Promise<ModelRecord | null> {
    const [row] = await this.sql<ModelRow[]>`select ${this.sql.unsafe(COLUMNS)} from models where user_id = ${userId} and name = ${name}`;
    return row ? toModel(row) : null;
  }

  async code(id: string): Promise<Uint8Array | null> {
    const [row] = await this.sql<{ model_file: Uint8Array }[]>`select model_file from models where id = ${id}`;
    return row ? new Uint8Array(row.model_file) : null;
  }

  /** The caller's own templates and everyone's public ones, optionally of one task. */
  async available(userId: string, task?: Task): Promise<ModelRecord[]> {
    const rows = await this.sql<ModelRow[]>`
      select ${this.sql.unsafe(COLUMNS)} from models
      where (user_id = ${userId} or access_right = 'PUBLIC') ${task ? this.sql`and task = ${task}` : this.sql``}
      order by created_at, name`;
    return rows.map(toModel);
  }

  async inUse(id: string): Promise<boolean> {
    const [row] = await this.sql<{ used: boolean }[]>`select exists (select 1 from sub_train_jobs where model_id = ${id}) as used`;
    return row?.used ?? false;
  }

  async delete(id: string): Promise<void> {
    await this.sql`delete from models where id = ${id}`;
  }
}
