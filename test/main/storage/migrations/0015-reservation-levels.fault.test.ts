// Migration 15 records which levels above its key a budget reservation holds. A reservation made
// before it (a request in flight, or left by a crash, when the gateway was upgraded) holds its key
// only, and still settles exactly once on the key; on PostgreSQL a key's change of owner now bumps
// the key cache's version. The PostgreSQL half runs on a throwaway cluster (*.fault.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { createBudgetLedger } from '../../../../main/metering/budget-ledger.js';
import { parseDatabaseUrl } from '../../../../main/storage/database-url.js';
import { migratePostgresDatabase } from '../../../../main/storage/migrate-postgres-database.js';
import { MIGRATIONS } from '../../../../main/storage/migrations/index.js';
import { openDatabase } from '../../../../main/storage/open-database.js';
import { openPostgresPool } from '../../../../main/storage/open-postgres-pool.js';
import { usePostgresCluster } from '../../../support/postgres-cluster.js';
import { captureLog, fakeClock, tempDir, type TempDir } from '../storage-test-kit.js';

const INSERT_KEY = `INSERT INTO virtual_keys (id, key_hash, key_last4, key_alias, models, max_budget_micros, spend_micros, reserved_micros, created_at, updated_at)
  VALUES ('key_old', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'abcd', 'old-app', '[]', 5000000, 0, 700000, 1000, 1000)`;
const INSERT_HELD = `INSERT INTO budget_reservations (request_id, key_id, amount_micros, created_at, lease_until) VALUES ('in-flight', 'key_old', 700000, 1000, NULL)`;

const postgres = usePostgresCluster();
let dir: TempDir | null = null;
afterEach(() => {
  dir?.remove();
  dir = null;
});

describe('migration 15: reservation levels', () => {
  it('on SQLite, lets a reservation made before it settle once on its key alone', () => {
    dir = tempDir();
    const file = dir.file('switchboard.db');
    const v14 = openDatabase({ file, log: captureLog(), migrations: MIGRATIONS.filter((m) => m.version <= 14) });
    v14.db.exec(INSERT_KEY);
    v14.db.exec(INSERT_HELD);
    v14.db.close();
    const { db, schemaVersion } = openDatabase({ file, log: captureLog() });
    try {
      expect(schemaVersion).toBeGreaterThanOrEqual(15);
      expect(db.prepare("SELECT team_id, user_id, member FROM budget_reservations WHERE request_id = 'in-flight'").get()).toEqual({ team_id: null, user_id: null, member: 0 });
      const ledger = createBudgetLedger(db, { clock: fakeClock() });
      expect(ledger.settle('in-flight', 400_000)).toMatchObject({ settled: true, chargedMicros: 400_000, releasedMicros: 700_000 });
      expect(ledger.status('key_old')).toMatchObject({ spendMicros: 400_000, reservedMicros: 0 });
    } finally {
      db.close();
    }
  });

  it("on PostgreSQL, does the same and makes a key's change of owner bump the keys topic", async () => {
    const url = parseDatabaseUrl(await postgres.createDatabase());
    await migratePostgresDatabase({ url, log: captureLog(), migrations: MIGRATIONS.filter((m) => m.version <= 14) });
    const before = openPostgresPool(url, { max: 1 });
    try {
      await before.pool.query(INSERT_KEY);
      await before.pool.query(INSERT_HELD);
    } finally {
      await before.close();
    }
    expect((await migratePostgresDatabase({ url, log: captureLog() })).applied).toContain(15);
    const connection = openPostgresPool(url, { max: 2 });
    try {
      const ledger = createBudgetLedger(connection, { clock: fakeClock() });
      expect(await ledger.settle('in-flight', 400_000)).toMatchObject({ settled: true, chargedMicros: 400_000 });
      expect(await ledger.status('key_old')).toMatchObject({ spendMicros: 400_000, reservedMicros: 0 });
      const version = async () => Number((await connection.pool.query<{ version: string }>("SELECT version FROM change_versions WHERE topic = 'keys'")).rows[0]!.version);
      const was = await version();
      await connection.pool.query("UPDATE virtual_keys SET team_id = 'some-team' WHERE id = 'key_old'");
      expect(await version()).toBe(was + 1);
      // Spend and holds are not the cache's business: no bump.
      await connection.pool.query("UPDATE virtual_keys SET spend_micros = 1, reserved_micros = 0 WHERE id = 'key_old'");
      expect(await version()).toBe(was + 1);
    } finally {
      await connection.close();
    }
  });
});
