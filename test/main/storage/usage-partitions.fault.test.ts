// usage_log's day partitions on PostgreSQL (migration 10): the migration moves existing rows into
// them, ensureUsagePartitions creates days ahead (idempotent, two replicas at once), rows that
// landed in the DEFAULT partition move into their day's new partition with their bodies, and
// retention drops whole days with their bodies and errors.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneRawUsage } from '../../../main/metering/prune-raw-usage.js';
import { parseDatabaseUrl } from '../../../main/storage/database-url.js';
import { migratePostgresDatabase } from '../../../main/storage/migrate-postgres-database.js';
import { MIGRATIONS } from '../../../main/storage/migrations/index.js';
import { openPostgresPool, type PostgresConnection } from '../../../main/storage/open-postgres-pool.js';
import { dropUsagePartitionsBefore, ensureUsagePartitions, usagePartitionName } from '../../../main/storage/usage-partitions.js';
import { usePostgresCluster } from '../../support/postgres-cluster.js';
import { captureLog, fakeClock } from './storage-test-kit.js';

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 10, 1);
const postgres = usePostgresCluster();
const pools: PostgresConnection[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

async function database(migrations = MIGRATIONS): Promise<PostgresConnection> {
  const url = parseDatabaseUrl(await postgres.createDatabase());
  await migratePostgresDatabase({ url, log: captureLog(), migrations });
  const connection = openPostgresPool(url, { max: 3 });
  pools.push(connection);
  return connection;
}

async function insertRow(connection: PostgresConnection, requestId: string, ts: number): Promise<void> {
  await connection.pool.query(
    `INSERT INTO usage_log (request_id, ts, app, requested_model, model_group, provider, status, http_status, endpoint)
     VALUES ($1, $2, 'app', 'm', 'm', 'openai', 'success', 200, '/v1/chat/completions') ON CONFLICT DO NOTHING`,
    [requestId, ts],
  );
  await connection.pool.query('INSERT INTO usage_bodies (request_id, request_body) VALUES ($1, $2)', [requestId, `{"id":"${requestId}"}`]);
  await connection.pool.query('INSERT INTO usage_errors (request_id, message) VALUES ($1, $2)', [requestId, 'why']);
}

async function placement(connection: PostgresConnection): Promise<Record<string, string>> {
  const rows = await connection.pool.query<{ request_id: string; part: string }>('SELECT request_id, tableoid::regclass::text AS part FROM usage_log ORDER BY request_id');
  return Object.fromEntries(rows.rows.map((r) => [r.request_id, r.part]));
}

async function count(connection: PostgresConnection, table: string): Promise<number> {
  return (await connection.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
}

describe('usage_log partitions on PostgreSQL', () => {
  it('migration 10 moves the rows of version 9 into one partition per day and keeps their bodies', async () => {
    const connection = await database(MIGRATIONS.filter((m) => m.version <= 9));
    await insertRow(connection, 'a', D0 + 5);
    await insertRow(connection, 'b', D0 + DAY + 5);
    await migratePostgresDatabase({ url: connection.url, log: captureLog() });
    expect(await placement(connection)).toEqual({ a: `usage_partitions.${usagePartitionName(D0)}`, b: `usage_partitions.${usagePartitionName(D0 + DAY)}` });
    expect(await count(connection, 'usage_bodies')).toBe(2);
    // The key is (request_id, ts): a writer's ON CONFLICT DO NOTHING still skips a duplicate.
    await insertRow(connection, 'a', D0 + 5).catch(() => undefined);
    expect(await count(connection, 'usage_log')).toBe(2);
  });

  it('creates days ahead once, even when two replicas run it at the same time', async () => {
    const connection = await database();
    const now = Date.UTC(2031, 0, 1, 13);
    const [first, second] = await Promise.all([ensureUsagePartitions(connection, now, 3), ensureUsagePartitions(connection, now, 3)]);
    expect([...first, ...second].sort()).toEqual(['usage_log_20310101', 'usage_log_20310102', 'usage_log_20310103', 'usage_log_20310104']);
    expect(await ensureUsagePartitions(connection, now, 3)).toEqual([]);
    await insertRow(connection, 'r', now);
    expect(await placement(connection)).toEqual({ r: 'usage_partitions.usage_log_20310101' });
  });

  it('moves rows that landed in the DEFAULT partition into their new day partition, bodies kept', async () => {
    const connection = await database();
    const day = Date.UTC(2032, 5, 1);
    await insertRow(connection, 'stray', day + 1_000);
    expect(await placement(connection)).toEqual({ stray: 'usage_partitions.usage_log_default' });
    expect(await ensureUsagePartitions(connection, day, 0)).toEqual(['usage_log_20320601']);
    expect(await placement(connection)).toEqual({ stray: 'usage_partitions.usage_log_20320601' });
    expect(await count(connection, 'usage_bodies')).toBe(1);
    expect(await count(connection, 'usage_errors')).toBe(1);
    // The DEFAULT partition's delete triggers are back on after the move.
    await connection.pool.query('DELETE FROM usage_log');
    expect(await count(connection, 'usage_bodies')).toBe(0);
  });

  it('retention drops whole days before the cutoff with their bodies and errors, and deletes stray DEFAULT rows before it', async () => {
    const connection = await database();
    await ensureUsagePartitions(connection, D0, 3);
    for (let d = 0; d < 4; d++) await insertRow(connection, `d${d}`, D0 + d * DAY + 60_000);
    await insertRow(connection, 'old-stray', D0 - 400 * DAY);
    await insertRow(connection, 'future-stray', D0 + 400 * DAY);
    await connection.pool.query('INSERT INTO usage_hourly (hour, app, key_id, model_group, provider) VALUES ($1, $2, $3, $4, $5), ($6, $2, $3, $4, $5)', [D0, 'app', '', 'm', 'openai', D0 + 2 * DAY]);

    const clock = fakeClock(D0 + 4 * DAY + 5);
    // Cutoff = midnight of D0+4 minus 2 days = D0+2: days 0 and 1 go.
    const result = await pruneRawUsage(connection, { clock, retentionDays: 2 });
    expect(result).toEqual({ deleted: 3, more: false, cutoff: D0 + 2 * DAY });
    expect(Object.keys(await placement(connection))).toEqual(['d2', 'd3', 'future-stray']);
    expect(await count(connection, 'usage_bodies')).toBe(3);
    expect(await count(connection, 'usage_errors')).toBe(3);
    expect((await connection.pool.query('SELECT hour FROM usage_hourly')).rows).toEqual([{ hour: D0 + 2 * DAY }]);
    const partitions = await connection.pool.query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'usage_log'::regclass ORDER BY 1",
    );
    // (The migration also made today's and the next 7 days' partitions, after the cutoff.)
    expect(partitions.rows.map((r) => r.name).filter((name) => name <= 'usage_log_20261104' || name === 'usage_log_default')).toEqual(['usage_log_20261103', 'usage_log_20261104', 'usage_log_default']);
    // Idempotent: nothing left to drop.
    expect(await dropUsagePartitionsBefore(connection, D0 + 2 * DAY)).toEqual({ dropped: [], deleted: 0 });
  });

  it('keeps the public schema free of partitions (the engines compare its tables)', async () => {
    const connection = await database();
    const client = new pg.Client({ connectionString: connection.url.connectionString });
    await client.connect();
    try {
      const tables = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'usage_log%'");
      expect(tables.rows[0]!.n).toBe(1);
    } finally {
      await client.end();
    }
  });
});
