/** Model templates: their code, knob config and access right; an owner's uploads under one name are its versions 1, 2, … */
import type { AccessRight, Task } from '../../common/domain.ts';
import type { KnobConfig } from '../../model/knobs.ts';
import type { Sql } from './database.ts';

export interface ModelRecord {
  id: string;
  userId: string;
  name: string;
  /** 1 for a name's first upload, then one more for each upload under the same name by the same owner. */
  version: number;
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
  version: number;
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
  version: row.version,
  task: row.task,
  modelClass: row.model_class,
  dependencies: row.dependencies,
  accessRight: row.access_right,
  knobConfig: row.knob_config,
  createdAt: row.created_at,
});

// Every column but the code, which only downloads and workers need.
const COLUMNS = 'id, user_id, name, version, task, model_class, dependencies, access_right, knob_config, created_at';

export class ModelStore {
  constructor(private readonly sql: Sql) {}

  /**
   * Stores the template as the next version of its name among the owner's templates (1 for a new name).
   * Returns null when another upload of that name took the same version at the same moment.
   */
  async create(input: Omit<ModelRecord, 'id' | 'version' | 'createdAt'> & { code: Uint8Array }): Promise<ModelRecord | null> {
    const [row] = await this.sql<ModelRow[]>`
      insert into models (user_id, name, version, task, model_class, model_file, dependencies, access_right, knob_config)
      select ${input.userId}, ${input.name}, coalesce(max(version), 0) + 1, ${input.task}, ${input.modelClass}, ${input.code},
             ${this.sql.json(input.dependencies)}, ${input.accessRight}, ${this.sql.json(input.knobConfig as never)}
      from models where user_id = ${input.userId} and name = ${input.name}
      on conflict (user_id, name, version) do nothing
      returning ${this.sql.unsafe(COLUMNS)}`;
    return row ? toModel(row) : null;
  }

  async byId(id: string): Promise<ModelRecord | null> {
    const [row] = await this.sql<ModelRow[]>`select ${this.sql.unsafe(COLUMNS)} from models where id = ${id}`;
    return row ? toModel(row) : null;
  }

  /** The owner's template of that name: the given version, or the latest. */
  async byOwnerAndName(userId: string, name: string, version?: number): Promise<ModelRecord | null> {
    const [row] = await this.sql<ModelRow[]>`
      select ${this.sql.unsafe(COLUMNS)} from models where user_id = ${userId} and name = ${name}
      ${version === undefined ? this.sql`` : this.sql`and version = ${version}`}
      order by version desc limit 1`;
    return row ? toModel(row) : null;
  }

  /** Everyone's public templates of that name, each owner's given version or latest public one. */
  async publicByName(name: string, version?: number): Promise<ModelRecord[]> {
    const rows = await this.sql<ModelRow[]>`
      select distinct on (user_id) ${this.sql.unsafe(COLUMNS)} from models
      where name = ${name} and access_right = 'PUBLIC' ${version === undefined ? this.sql`` : this.sql`and version = ${version}`}
      order by user_id, version desc`;
    return rows.map(toModel);
  }

  async code(id: string): Promise<Uint8Array | null> {
    const [row] = await this.sql<{ model_file: Uint8Array }[]>`select model_file from models where id = ${id}`;
    return row ? new Uint8Array(row.model_file) : null;
  }

  /**
   * The caller's own templates and everyone's public ones, optionally of one task: of each
   * owner's name the latest version the caller may see, or with `allVersions` every one.
   */
  async available(userId: string, { task, allVersions = false }: { task?: Task; allVersions?: boolean } = {}): Promise<ModelRecord[]> {
    const visible = this.sql`
      select ${this.sql.unsafe(COLUMNS)} from models
      where (user_id = ${userId} or access_right = 'PUBLIC') ${task ? this.sql`and task = ${task}` : this.sql``}`;
    const rows = allVersions
      ? await this.sql<ModelRow[]>`${visible} order by created_at, name, version`
      : await this.sql<ModelRow[]>`
          select * from (select distinct on (user_id, name) * from (${visible}) v order by user_id, name, version desc) latest
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
