// Model repository: the dashboard-managed deployments (LiteLLM /model/new) in the models table,
// each as model_name + litellm_params + model_info JSON. One definition for both engines:
// synchronous on SQLite, Promise-returning on PostgreSQL. Stores only what it is given; the caller
// has already refused literal provider keys. Never interprets the params (config does).
import type { Clock } from './clock.js';
import { sql } from './sql-statement.js';
import { bindUnit, type CallMode, type ModeOf, type Returns, type StorageConnection } from './storage-connection.js';
import { all, get, readUnit, run, writeUnit } from './storage-unit.js';

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

export interface ModelStore<M extends CallMode> {
  /** In insertion order, so the merged model list is stable across restarts. */
  list(): Returns<M, StoredModel[]>;
  get(id: string): Returns<M, StoredModel | undefined>;
  /** Throws when the id exists (the caller checks first and answers 400). */
  insert(model: StoredModelInput): Returns<M, StoredModel>;
  /** Undefined when there is no such id. */
  replace(model: StoredModelInput): Returns<M, StoredModel | undefined>;
  delete(id: string): Returns<M, boolean>;
}

export type ModelRepository = ModelStore<'sync'>;
export type AsyncModelRepository = ModelStore<'async'>;

interface Row {
  id: string;
  model_name: string;
  litellm_params: string;
  model_info: string;
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'id, model_name, litellm_params, model_info, created_at, updated_at';
const SELECT_ALL = sql(`SELECT ${COLUMNS} FROM models ORDER BY created_at, position`);
const SELECT_ONE = sql(`SELECT ${COLUMNS} FROM models WHERE id = ?`);
// Migration 8's trigger gives the row its position, after every earlier insert.
const INSERT = sql(`INSERT INTO models (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`);
const UPDATE = sql('UPDATE models SET model_name = ?, litellm_params = ?, model_info = ?, updated_at = ? WHERE id = ?');
const DELETE = sql('DELETE FROM models WHERE id = ?');

const listModels = readUnit(function* () {
  return (yield* all<Row>(SELECT_ALL)).map(toModel);
});
const getModel = readUnit(function* (id: string) {
  const row = yield* get<Row>(SELECT_ONE, [id]);
  return row === undefined ? undefined : toModel(row);
});
const insertModel = writeUnit(function* (model: StoredModelInput, now: number) {
  yield* run(INSERT, [model.id, model.modelName, JSON.stringify(model.litellmParams), JSON.stringify(model.modelInfo), now, now]);
  return toModel((yield* get<Row>(SELECT_ONE, [model.id]))!);
});
const replaceModel = writeUnit(function* (model: StoredModelInput, now: number) {
  const { changes } = yield* run(UPDATE, [model.modelName, JSON.stringify(model.litellmParams), JSON.stringify(model.modelInfo), now, model.id]);
  return changes === 0 ? undefined : toModel((yield* get<Row>(SELECT_ONE, [model.id]))!);
});
const deleteModel = writeUnit(function* (id: string) {
  return (yield* run(DELETE, [id])).changes > 0;
});

export function createModelRepository<C extends StorageConnection>(connection: C, clock: Clock): ModelStore<ModeOf<C>> {
  const insert = bindUnit(connection, insertModel);
  const replace = bindUnit(connection, replaceModel);
  return {
    list: bindUnit(connection, listModels),
    get: bindUnit(connection, getModel),
    insert: (model) => insert(model, clock.now()),
    replace: (model) => replace(model, clock.now()),
    delete: bindUnit(connection, deleteModel),
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
