// Migration 6 adds the stored responses and their running byte total to an existing database:
// usage rows are untouched, and the triggers keep the total equal to the rows' sum.
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../main/storage/migrations/index.js';
import { openDatabase } from '../../../../main/storage/open-database.js';
import { captureLog, tempDir, type TempDir } from '../storage-test-kit.js';

let dir: TempDir | null = null;
afterEach(() => {
  dir?.remove();
  dir = null;
});

describe('migration 6: stored responses', () => {
  it('adds an empty store to a version-5 database and keeps its byte total by trigger', () => {
    dir = tempDir();
    const file = dir.file('switchboard.db');
    const v5 = openDatabase({ file, log: captureLog(), migrations: MIGRATIONS.filter((m) => m.version <= 5) });
    v5.db.prepare(`INSERT INTO usage_log (request_id, ts, app, requested_model, model_group, provider, status, http_status, endpoint)
      VALUES ('kept', 1, 'curl', 'm', 'm', 'openai', 'success', 200, '/v1/chat/completions')`).run();
    expect(() => v5.db.prepare('SELECT 1 FROM stored_responses').get()).toThrow(/no such table/);
    v5.db.close();

    // Upgraded to 6 exactly: the row shape below is migration 6's (11 adds a column).
    const { db, schemaVersion } = openDatabase({ file, log: captureLog(), migrations: MIGRATIONS.filter((m) => m.version <= 6) });
    try {
      expect(schemaVersion).toBeGreaterThanOrEqual(6);
      expect(db.prepare('SELECT request_id FROM usage_log').all()).toEqual([{ request_id: 'kept' }]);
      const total = () => db.prepare('SELECT bytes FROM stored_responses_total').get();
      expect(total()).toEqual({ bytes: 0 });
      const insert = db.prepare("INSERT INTO stored_responses VALUES (?, NULL, 1, 'm', NULL, NULL, '[]', '{}', ?)");
      insert.run('resp_1', 100);
      insert.run('resp_2', 20);
      expect(total()).toEqual({ bytes: 120 });
      db.prepare("DELETE FROM stored_responses WHERE id = 'resp_1'").run();
      expect(total()).toEqual({ bytes: 20 });
      expect(() => db.prepare('INSERT INTO stored_responses_total VALUES (2, 0)').run()).toThrow(/CHECK constraint failed/);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});
