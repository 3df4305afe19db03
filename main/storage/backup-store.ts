// The rows a backup carries, read and replaced in one transaction: virtual keys WITH their SHA-256
// hashes (so restored keys keep working; a raw key is never stored anywhere to back up) and the
// dashboard's models. Reservations are not copied: they belong to requests of the old run.
// Never sees a plaintext key; provider keys are references inside litellm_params.
import type Database from 'better-sqlite3';
import { immediateTransaction } from './immediate-transaction.js';
import { VIRTUAL_KEY_COLUMNS, decodeVirtualKeyRow, encodeVirtualKeyRow, type VirtualKeyRow } from './virtual-key-row.js';
import type { BackupKey, BackupModel } from '../../shared/api/backup-schemas.js';

export interface BackupStore {
  keys(): BackupKey[];
  models(): BackupModel[];
  /** Existing rows a restore would replace. */
  counts(): { keys: number; models: number };
  /**
   * Replaces every key and dashboard model with the given ones, atomically; `beforeInsert` runs
   * inside the same transaction first (the caller deletes keys through the key repository there,
   * so its caches hear of it), and `afterInsert` last (settings), so a failure undoes all of it.
   */
  replace(keys: readonly BackupKey[], models: readonly BackupModel[], now: number, hooks: { beforeInsert(): void; afterInsert(): void }): void;
}

interface BackupKeyRow extends VirtualKeyRow {
  key_hash: string;
}

const KEY_COLUMNS = ['key_hash', ...VIRTUAL_KEY_COLUMNS];

export function createBackupStore(db: Database.Database): BackupStore {
  const selectKeys = db.prepare<[], BackupKeyRow>(`SELECT ${KEY_COLUMNS.join(', ')} FROM virtual_keys ORDER BY created_at, rowid`);
  const selectModels = db.prepare<[], { id: string; model_name: string; litellm_params: string; model_info: string }>(
    'SELECT id, model_name, litellm_params, model_info FROM models ORDER BY created_at, rowid',
  );
  const countKeys = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM virtual_keys');
  const countModels = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM models');
  const insertKey = db.prepare<BackupKeyRow>(`INSERT INTO virtual_keys (${KEY_COLUMNS.join(', ')}) VALUES (${KEY_COLUMNS.map((c) => `:${c}`).join(', ')})`);
  const deleteModels = db.prepare('DELETE FROM models');
  const insertModel = db.prepare<[string, string, string, string, number, number]>(
    'INSERT INTO models (id, model_name, litellm_params, model_info, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );

  const replace = immediateTransaction(db, (keys: readonly BackupKey[], models: readonly BackupModel[], now: number, hooks: { beforeInsert(): void; afterInsert(): void }) => {
    hooks.beforeInsert();
    deleteModels.run();
    for (const key of keys) {
      insertKey.run(encodeVirtualKeyRow(key));
    }
    // One millisecond apart keeps the backup's order, which is the order the router lists them in.
    models.forEach((model, index) => {
      insertModel.run(model.id, model.model_name, JSON.stringify(model.litellm_params), JSON.stringify(model.model_info), now + index, now + index);
    });
    hooks.afterInsert();
  });

  return {
    keys: () => selectKeys.all().map(decodeVirtualKeyRow),
    models: () => selectModels.all().map((row) => ({
      id: row.id,
      model_name: row.model_name,
      litellm_params: JSON.parse(row.litellm_params) as BackupModel['litellm_params'],
      model_info: JSON.parse(row.model_info) as BackupModel['model_info'],
    })),
    counts: () => ({ keys: countKeys.get()!.n, models: countModels.get()!.n }),
    replace,
  };
}
