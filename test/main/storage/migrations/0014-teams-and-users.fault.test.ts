// Migration 14 adds teams, users, memberships and an owner on every key, on both engines: keys made
// before it (a schema-12 database; 13 is another branch's step) stay valid and ownerless, are found
// by their hash, listed and used as before, and can be given a team afterwards. PostgreSQL runs on a
// throwaway cluster, hence the file name (*.fault.test.ts files run one at a time).
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyRepository } from '../../../../main/keys/key-repository.js';
import { hashKey } from '../../../../main/keys/virtual-keys.js';
import { createTeamRepository } from '../../../../main/keys/team-repository.js';
import { parseDatabaseUrl } from '../../../../main/storage/database-url.js';
import { migratePostgresDatabase } from '../../../../main/storage/migrate-postgres-database.js';
import { MIGRATIONS } from '../../../../main/storage/migrations/index.js';
import { openDatabase } from '../../../../main/storage/open-database.js';
import { openPostgresPool } from '../../../../main/storage/open-postgres-pool.js';
import { usePostgresCluster } from '../../../support/postgres-cluster.js';
import { captureLog, fakeClock, tempDir, type TempDir } from '../storage-test-kit.js';

const PLAINTEXT = 'sk-made-before-teams-existed-0123456789abcdef';
const KEY_ROW = ['key_old', hashKey(PLAINTEXT), PLAINTEXT.slice(-4), 'old-app', '["m"]', 5_000_000, 1_250_000, 1000, 1000] as const;
const INSERT_KEY = `INSERT INTO virtual_keys (id, key_hash, key_last4, key_alias, models, max_budget_micros, spend_micros, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

const postgres = usePostgresCluster();
let dir: TempDir | null = null;
afterEach(() => {
  dir?.remove();
  dir = null;
});

describe('migration 14: teams and users', () => {
  it('on SQLite, keeps a schema-12 key valid, ownerless and usable, and lets it join a team afterwards', async () => {
    dir = tempDir();
    const file = dir.file('switchboard.db');
    const v12 = openDatabase({ file, log: captureLog(), migrations: MIGRATIONS.filter((m) => m.version <= 12) });
    v12.db.prepare(INSERT_KEY.replace(/\$\d/g, '?')).run(...KEY_ROW);
    v12.db.close();

    const { db, schemaVersion } = openDatabase({ file, log: captureLog() });
    try {
      expect(schemaVersion).toBeGreaterThanOrEqual(14);
      const clock = fakeClock();
      const keys = createKeyRepository(db, clock);
      const found = keys.findByHash(hashKey(PLAINTEXT));
      expect(found).toMatchObject({ id: 'key_old', keyAlias: 'old-app', models: ['m'], maxBudgetMicros: 5_000_000, spendMicros: 1_250_000, teamId: null, userId: null, blocked: false });
      expect(keys.list().keys.map((k) => k.id)).toEqual(['key_old']);
      expect(db.prepare('SELECT count(*) AS n FROM teams').get()).toEqual({ n: 0 });
      const team = createTeamRepository(db, clock).create({ team_alias: 'later', models: ['m'] });
      expect(keys.update('key_old', { team_id: team.id })).toMatchObject({ teamId: team.id, spendMicros: 1_250_000 });
      expect(keys.list({ teamId: team.id }).keys.map((k) => k.id)).toEqual(['key_old']);
    } finally {
      db.close();
    }
  });

  it('on PostgreSQL, keeps a schema-12 key valid, ownerless and usable, and lets it join a team afterwards', async () => {
    const url = parseDatabaseUrl(await postgres.createDatabase());
    await migratePostgresDatabase({ url, log: captureLog(), migrations: MIGRATIONS.filter((m) => m.version <= 12) });
    const before = openPostgresPool(url, { max: 1 });
    try {
      await before.pool.query(INSERT_KEY, [...KEY_ROW]);
    } finally {
      await before.close();
    }
    const result = await migratePostgresDatabase({ url, log: captureLog() });
    expect(result.applied).toContain(14);
    const connection = openPostgresPool(url, { max: 2 });
    try {
      const clock = fakeClock();
      const keys = createKeyRepository(connection, clock);
      expect(await keys.findByHash(hashKey(PLAINTEXT))).toMatchObject({ id: 'key_old', keyAlias: 'old-app', models: ['m'], maxBudgetMicros: 5_000_000, spendMicros: 1_250_000, teamId: null, userId: null });
      const team = await createTeamRepository(connection, clock).create({ team_alias: 'later', models: ['m'] });
      expect(await keys.update('key_old', { team_id: team.id })).toMatchObject({ teamId: team.id, spendMicros: 1_250_000 });
      expect((await keys.list({ teamId: team.id })).keys.map((k) => k.id)).toEqual(['key_old']);
    } finally {
      await connection.close();
    }
  });
});
