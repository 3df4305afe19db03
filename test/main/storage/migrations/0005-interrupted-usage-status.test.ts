// Migration 5 rebuilds usage_log to accept the 'interrupted' status (SQLite cannot change a CHECK
// in place): every row, the indexes and the trigger that deletes logged bodies survive it.
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../main/storage/migrations/index.js';
import { openDatabase } from '../../../../main/storage/open-database.js';
import { captureLog, tempDir, type TempDir } from '../storage-test-kit.js';

let dir: TempDir | null = null;
afterEach(() => {
  dir?.remove();
  dir = null;
});

const row = (id: string, status: string) => ({
  request_id: id, ts: 1_773_000_000_000, key_id: null, key_alias: null, app: 'curl', user_agent: null, requested_model: 'm', model_group: 'm',
  deployment_id: null, provider: 'openai', prompt_tokens: 1, completion_tokens: 2, cached_tokens: 0, cache_creation_tokens: 0, reasoning_tokens: 0,
  cost_micros: 3, latency_ms: 4, ttft_ms: null, status, http_status: 200, error_code: null, usage_estimated: 0, endpoint: '/v1/chat/completions',
  retries: 0, fallbacks: 0,
});
const insertSql = `INSERT INTO usage_log VALUES (${Object.keys(row('x', 'success')).map((c) => `:${c}`).join(', ')})`;

describe('migration 5: interrupted usage status', () => {
  it('keeps every row, body, index and trigger of a version-4 database and then accepts interrupted rows', () => {
    dir = tempDir();
    const file = dir.file('switchboard.db');
    const v4 = openDatabase({ file, log: captureLog(), migrations: MIGRATIONS.filter((m) => m.version <= 4) });
    v4.db.prepare(insertSql).run(row('old-success', 'success'));
    v4.db.prepare(insertSql).run(row('old-rejected', 'rejected'));
    v4.db.prepare("INSERT INTO usage_bodies VALUES ('old-success', 'prompt', 'answer')").run();
    expect(() => v4.db.prepare(insertSql).run(row('too-early', 'interrupted'))).toThrow(/CHECK constraint failed/);
    v4.db.close();

    // Up to migration 5 only: later migrations add triggers of their own to usage_log.
    const { db, schemaVersion } = openDatabase({ file, log: captureLog(), migrations: MIGRATIONS.filter((m) => m.version <= 5) });
    try {
      expect(schemaVersion).toBeGreaterThanOrEqual(5);
      expect(db.prepare('SELECT request_id, status FROM usage_log ORDER BY request_id').all()).toEqual([
        { request_id: 'old-rejected', status: 'rejected' },
        { request_id: 'old-success', status: 'success' },
      ]);
      db.prepare(insertSql).run(row('after', 'interrupted'));
      expect(() => db.prepare(insertSql).run(row('bogus', 'exploded'))).toThrow(/CHECK constraint failed/);
      const schema = db.prepare("SELECT type, name FROM sqlite_master WHERE tbl_name = 'usage_log' AND type IN ('index', 'trigger') ORDER BY name").all();
      expect(schema).toEqual([
        { type: 'index', name: 'sqlite_autoindex_usage_log_1' },
        { type: 'trigger', name: 'usage_bodies_follow_usage_log' },
        { type: 'index', name: 'usage_log_key_id_ts' },
        { type: 'index', name: 'usage_log_model_group_ts' },
        { type: 'index', name: 'usage_log_ts' },
      ]);
      // The trigger still follows retention: deleting the row deletes its bodies.
      db.prepare("DELETE FROM usage_log WHERE request_id = 'old-success'").run();
      expect(db.prepare('SELECT count(*) AS n FROM usage_bodies').get()).toEqual({ n: 0 });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
