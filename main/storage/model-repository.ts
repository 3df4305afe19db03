// Model repository: the dashboard-managed deployments (LiteLLM /model/new) in the models table,
// each as model_name + litellm_params + model_info JSON. Stores only what it is given; the
// caller has already refused literal provider keys. Never interprets the params (config does).
import type Database from 'better-sqlite3';
import type { Clock } from './clock.js';
import { immediateTransaction } from './immediate-transaction.js';

export interface StoredModel {
  id: string;
  modelName: string;
  litellmParams: Record<string, unknown>;
  modelInfo: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface StoredModelInput {
  id: string;
  modelName: string;
  litellmParams: Record<string, unknown>;
  modelInfo: Record<string, unknown>;
}

export interface ModelRepository {
  /** In insertion order, so the merged model list is stable across restarts. */
  list(): StoredModel[];
  get(id: string): StoredModel | undefined;
  /** Throws when the id exists (the caller checks first and answers 400). */
  insert(model: StoredModelInput): StoredModel;
  /** Undefined when there is no such id. */
  replace(model: StoredModelInput): StoredModel | undefined;
  delete(id: string): boolean;
}

interface Row {
  id: string;
  model_name: string;
  litellm_params: string;
  model_info: string;
  created_at: number;
  updated_at: number;
}

export function createModelRepository(db: Database.Database, clock: Clock): ModelRepository {
  const selectAll = db.prepare<[], Row>('SELECT * FROM models ORDER BY created_at, rowid');
  const selectOne = db.prepare<[string], Row>('SELECT * FROM models WHERE id = ?');
  const insertRow = db.prepare<[string, string, string, string, number, number]>(
    'INSERT INTO models (id, model_name, litellm_params, model_info, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const updateRow = db.prepare<[string, string, string, number, string]>('UPDATE models SET model_name = ?, litellm_params = ?, model_info = ?, updated_at = ? WHERE id = ?');
  const deleteRow = db.prepare<[string]>('DELETE FROM models WHERE id = ?');

  const insert = immediateTransaction(db, (model: StoredModelInput): StoredModel => {
    const now = clock.now();
    insertRow.run(model.id, model.modelName, JSON.stringify(model.litellmParams), JSON.stringify(model.modelInfo), now, now);
    return toModel(selectOne.get(model.id)!);
  });
  const replace = immediateTransaction(db, (model: StoredModelInput): StoredModel | undefined => {
    const changed = updateRow.run(model.modelName, JSON.stringify(model.litellmParams), JSON.stringify(model.modelInfo), clock.now(), model.id).changes;
    return changed === 0 ? undefined : toModel(selectOne.get(model.id)!);
  });
  const remove = immediateTransaction(db, (id: string) => deleteRow.run(id).changes > 0);

  return {
    list: () => selectAll.all().map(toModel),
    get(id) {
      const row = selectOne.get(id);
      return row === undefined ? undefined : toModel(row);
    },
    insert,
    replace,
    delete: remove,
  };
}

function toModel(row: Row): StoredModel {
  return {
    id: row.id,
    modelName: row.model_name,
    litellmParams: parseObject(row.litellm_params),
    modelInfo: parseObject(row.model_info),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A hand-edited row that is not an object reads as {} and fails validation later, by name. */
function parseObject(json: string): Record<string, unknown> {
  const value: unknown = JSON.parse(json);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
