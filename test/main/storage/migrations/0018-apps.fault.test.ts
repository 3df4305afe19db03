// Migration 18 on a database that already has usage: the apps that called without a key (key_id
// '' in the hourly rollups) are listed as seen, to the hour, and not announced as new at their
// next request; a key's alias is not an app; on PostgreSQL the backfill announces nothing to the
// change feed. The PostgreSQL half runs on a throwaway cluster (*.fault.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { createAppRepository } from '../../../../main/apps/app-repository.js';
import { parseDatabaseUrl } from '../../../../main/storage/database-url.js';
import { migratePostgresDatabase } from '../../../../main/storage/migrate-postgres-database.js';
import { MIGRATIONS } from '../../../../main/storage/migrations/index.js';
import { openDatabase } from '../../../../main/storage/open-database.js';
import { openPostgresPool } from '../../../../main/storage/open-postgres-pool.js';
import { usePostgresCluster } from '../../../support/postgres-cluster.js';
import { captureLog, fakeClock, tempDir, type TempDir } from '../storage-test-kit.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 1, 8);
const INSERT_HOURS = `INSERT INTO usage_hourly (hour, app, key_id, model_group, provider, requests) VALUES
  (${T0}, 'sync_notes', '', 'm', 'openai', 2), (${T0 + 5 * H}, 'sync_notes', '', 'm', 'openai', 1),
  (${T0 + H}, 'curl', '', 'm', 'openai', 1), (${T0 + 2 * H}, 'keyed-alias', 'key_1', 'm', 'openai', 4)`;

const postgres = usePostgresCluster();
let dir: TempDir | null = null;
afterEach(() => {
  dir?.remove();
  dir = null;
});

describe('migration 18: apps', () => {
  it('on SQLite, lists the keyless callers already in the rollups as seen', () => {
    dir = tempDir();
    const file = dir.file('switchboard.db');
    const v17 = openDatabase({ file, log: captureLog(), migrations: MIGRATIONS.filter((m) => m.version <= 17) });
    v17.db.exec(INSERT_HOURS);
    v17.db.close();
    const { db } = openDatabase({ file, log: captureLog() });
    try {
      const apps = createAppRepository(db, fakeClock());
      expect(apps.list().map((a) => [a.app, a.firstSeen, a.lastSeen])).toEqual([['curl', T0 + H, T0 + H], ['sync_notes', T0, T0 + 5 * H]]);
      expect(apps.markSeen('sync_notes')).toBe(false);
    } finally {
      db.close();
    }
  });

  it('on PostgreSQL, does the same without bumping the apps topic', async () => {
    const url = parseDatabaseUrl(await postgres.createDatabase());
    await migratePostgresDatabase({ url, log: captureLog(), migrations: MIGRATIONS.filter((m) => m.version <= 17) });
    const before = openPostgresPool(url, { max: 1 });
    try {
      await before.pool.query(INSERT_HOURS);
    } finally {
      await before.close();
    }
    expect((await migratePostgresDatabase({ url, log: captureLog() })).applied).toContain(18);
    const connection = openPostgresPool(url, { max: 2 });
    try {
      const apps = createAppRepository(connection, fakeClock());
      expect((await apps.list()).map((a) => [a.app, a.firstSeen, a.lastSeen])).toEqual([['curl', T0 + H, T0 + H], ['sync_notes', T0, T0 + 5 * H]]);
      const version = await connection.pool.query("SELECT version FROM change_versions WHERE topic = 'apps'");
      expect(version.rows).toEqual([{ version: 0 }]);
      expect(await apps.markSeen('curl')).toBe(false);
    } finally {
      await connection.close();
    }
  });
});
