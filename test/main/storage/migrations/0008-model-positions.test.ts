// Migration 8 numbers the dashboard's models in a column of their own: models already stored keep
// the order they had (rowid), and every later insert, by any writer (a backup restore writes no
// position), lands after them.
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../main/storage/migrations/index.js';
import { createModelRepository } from '../../../../main/storage/model-repository.js';
import { openDatabase } from '../../../../main/storage/open-database.js';
import { captureLog, fakeClock, tempDir, type TempDir } from '../storage-test-kit.js';

let dir: TempDir | null = null;
afterEach(() => {
  dir?.remove();
  dir = null;
});

describe('migration 8: model positions', () => {
  it('keeps the order of models stored before it and numbers later inserts after them', () => {
    dir = tempDir();
    const file = dir.file('switchboard.db');
    const v7 = openDatabase({ file, log: captureLog(), migrations: MIGRATIONS.filter((m) => m.version <= 7) });
    const insert = v7.db.prepare("INSERT INTO models (id, model_name, litellm_params, model_info, created_at, updated_at) VALUES (?, 'm', '{}', '{}', 5, 5)");
    for (const id of ['zeta', 'alpha', 'mid']) insert.run(id);
    v7.db.close();

    const { db } = openDatabase({ file, log: captureLog() });
    try {
      const models = createModelRepository(db, fakeClock(5));
      expect(models.list().map((m) => m.id)).toEqual(['zeta', 'alpha', 'mid']);
      models.insert({ id: 'beta', modelName: 'm', litellmParams: {}, modelInfo: {} });
      db.prepare("INSERT INTO models (id, model_name, litellm_params, model_info, created_at, updated_at) VALUES ('restored', 'm', '{}', '{}', 5, 5)").run();
      expect(models.list().map((m) => m.id)).toEqual(['zeta', 'alpha', 'mid', 'beta', 'restored']);
      expect(db.prepare('SELECT id, position FROM models ORDER BY position').all()).toEqual([
        { id: 'zeta', position: 1 },
        { id: 'alpha', position: 2 },
        { id: 'mid', position: 3 },
        { id: 'beta', position: 4 },
        { id: 'restored', position: 5 },
      ]);
    } finally {
      db.close();
    }
  });
});
