// Migration 7 gives failed requests a place for why they failed (usage_errors, which follows its
// usage row) and counts refusals apart in the rollups, filled from the raw rows already kept.
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../../main/storage/migrations/index.js';
import { openDatabase } from '../../../../main/storage/open-database.js';
import { rebuildUsageRollups } from '../../../../main/metering/usage-rollups.js';
import { captureLog, tempDir, type TempDir } from '../storage-test-kit.js';

let dir: TempDir | null = null;
afterEach(() => {
  dir?.remove();
  dir = null;
});

const DAY = Date.parse('2026-11-03T00:00:00Z');

describe('migration 7: usage errors and rejected counts', () => {
  it('counts the kept refusals of a version-6 database as rejected and keeps errors and requests as they were', () => {
    dir = tempDir();
    const file = dir.file('switchboard.db');
    const v6 = openDatabase({ file, log: captureLog(), migrations: MIGRATIONS.filter((m) => m.version <= 6) });
    const insert = v6.db.prepare(`INSERT INTO usage_log (request_id, ts, app, requested_model, model_group, provider, status, http_status, endpoint)
      VALUES (?, ?, 'notes-app', 'm', 'm', 'openai', ?, ?, '/v1/chat/completions')`);
    insert.run('ok', DAY + 10, 'success', 200);
    insert.run('refused-1', DAY + 20, 'rejected', 429);
    insert.run('refused-2', DAY + 3_600_000 + 5, 'rejected', 429);
    insert.run('broken', DAY + 30, 'upstream_error', 502);
    rebuildUsageRollupsAtV6(v6.db);
    v6.db.close();

    const { db, schemaVersion } = openDatabase({ file, log: captureLog() });
    try {
      expect(schemaVersion).toBeGreaterThanOrEqual(7);
      expect(db.prepare('SELECT requests, errors, rejected FROM usage_daily').all()).toEqual([{ requests: 4, errors: 3, rejected: 2 }]);
      expect(db.prepare('SELECT hour, errors, rejected FROM usage_hourly ORDER BY hour').all()).toEqual([
        { hour: DAY, errors: 2, rejected: 1 },
        { hour: DAY + 3_600_000, errors: 1, rejected: 1 },
      ]);
      // The failure follows its usage row out (retention).
      db.prepare("INSERT INTO usage_errors VALUES ('broken', 'The server answered HTTP 500', 500, 'overloaded')").run();
      db.prepare("DELETE FROM usage_log WHERE request_id = 'broken'").run();
      expect(db.prepare('SELECT count(*) AS n FROM usage_errors').get()).toEqual({ n: 0 });
      // A rebuild counts rejected the same way the migration filled it.
      rebuildUsageRollups(db);
      expect(db.prepare('SELECT requests, errors, rejected FROM usage_daily').all()).toEqual([{ requests: 3, errors: 2, rejected: 2 }]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});

/** The rollups as a version-6 build wrote them: no rejected column yet. */
function rebuildUsageRollupsAtV6(db: import('better-sqlite3').Database): void {
  for (const [table, period] of [['usage_daily', `strftime('%Y-%m-%d', ts / 1000, 'unixepoch')`], ['usage_hourly', '(ts / 3600000) * 3600000']] as const) {
    db.prepare(`INSERT INTO ${table} (${table === 'usage_daily' ? 'day' : 'hour'}, app, key_id, model_group, provider, requests, errors)
      SELECT ${period}, app, coalesce(key_id, ''), model_group, provider, count(*), sum(status <> 'success') FROM usage_log
      GROUP BY ${period}, app, coalesce(key_id, ''), model_group, provider`).run();
  }
}
