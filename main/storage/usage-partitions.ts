// Day partitions of usage_log on PostgreSQL (migration 10): ensureUsagePartitions creates the UTC
// days ahead of time and dropUsagePartitionsBefore is retention, dropping whole days (no DELETE,
// no bloat). Both take a transaction-level advisory lock, so replicas running them at once queue
// instead of racing, and both are idempotent. Never touches the rollups' daily history. PostgreSQL
// only: SQLite's usage_log is one table and keeps its batched DELETE (prune-raw-usage.ts).
import type pg from 'pg';
import type { PostgresConnection } from './open-postgres-pool.js';
import { postgresUnavailable } from './postgres-unavailable.js';

const DAY_MS = 86_400_000;
export const USAGE_PARTITION_SCHEMA = 'usage_partitions';
/** pg_advisory_xact_lock key for partition maintenance ("usage_partitions" as a number); `db copy` takes it too. */
export const PARTITION_LOCK_KEY = 7_165_010;

/** The partition holding one UTC day: usage_log_YYYYMMDD, the name the migration gives it too. */
export function usagePartitionName(dayStartMs: number): string {
  return `usage_log_${new Date(dayStartMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

function dayStartOfPartition(name: string): number | null {
  const match = /^usage_log_(\d{4})(\d{2})(\d{2})$/.exec(name);
  return match === null ? null : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

async function inLockedTransaction<T>(connection: PostgresConnection, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await connection.pool.connect();
  } catch (error) {
    throw postgresUnavailable(connection.url, error);
  }
  let broken = false;
  try {
    await client.query('BEGIN');
    try {
      // Transaction-scoped (released at COMMIT): safe behind PgBouncer in transaction mode.
      await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK_KEY]);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

async function existingPartitions(client: pg.PoolClient): Promise<Set<string>> {
  const result = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'public.usage_log'::regclass`,
  );
  return new Set(result.rows.map((r) => r.name));
}

/**
 * Creates the day partitions of usage_log from the day of `nowMs` to `daysAhead` days after it.
 * Rows of such a day already in the DEFAULT partition (written while the day had no partition)
 * are moved into the new partition in the same transaction: PostgreSQL refuses to create a
 * partition whose range the DEFAULT partition holds rows of. The move disables the DEFAULT
 * partition's delete triggers for that transaction only, so the rows' bodies and errors stay.
 * Returns the partitions it created.
 */
export async function ensureUsagePartitions(connection: PostgresConnection, nowMs: number, daysAhead = 7): Promise<string[]> {
  if (!Number.isSafeInteger(daysAhead) || daysAhead < 0 || daysAhead > 366) throw new RangeError(`daysAhead must be 0..366 (got ${daysAhead}).`);
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  return inLockedTransaction(connection, async (client) => {
    const existing = await existingPartitions(client);
    const created: string[] = [];
    for (let day = today; day <= today + daysAhead * DAY_MS; day += DAY_MS) {
      const name = usagePartitionName(day);
      if (existing.has(name)) continue;
      const table = `${USAGE_PARTITION_SCHEMA}.${name}`;
      const bounds = `FOR VALUES FROM (${day}) TO (${day + DAY_MS})`;
      const stray = await client.query(`SELECT 1 FROM ${USAGE_PARTITION_SCHEMA}.usage_log_default WHERE ts >= $1 AND ts < $2 LIMIT 1`, [day, day + DAY_MS]);
      if (stray.rowCount === 0) {
        await client.query(`CREATE TABLE IF NOT EXISTS ${table} PARTITION OF usage_log ${bounds}`);
      } else {
        await client.query(`CREATE TABLE ${table} (LIKE usage_log INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
        await client.query(`ALTER TABLE ${USAGE_PARTITION_SCHEMA}.usage_log_default DISABLE TRIGGER USER`);
        await client.query(
          `WITH moved AS (DELETE FROM ${USAGE_PARTITION_SCHEMA}.usage_log_default WHERE ts >= $1 AND ts < $2 RETURNING *) INSERT INTO ${table} SELECT * FROM moved`,
          [day, day + DAY_MS],
        );
        await client.query(`ALTER TABLE ${USAGE_PARTITION_SCHEMA}.usage_log_default ENABLE TRIGGER USER`);
        await client.query(`ALTER TABLE usage_log ATTACH PARTITION ${table} ${bounds}`);
      }
      created.push(name);
    }
    return created;
  });
}

export interface DropUsagePartitionsResult {
  /** Partitions dropped, oldest first. */
  dropped: string[];
  /** Rows gone: those of the dropped partitions plus those deleted from the DEFAULT partition. */
  deleted: number;
}

/**
 * Retention on PostgreSQL: drops every day partition wholly before `cutoff` (a UTC midnight) and
 * deletes the DEFAULT partition's rows before it (normally none: a row lands there only when its
 * day had no partition, e.g. a clock far off or maintenance not run, so a DELETE there is small).
 * A dropped partition fires no delete trigger, so its rows' bodies and errors are deleted first.
 * Hourly rollups before the cutoff go too, as on SQLite: a day has both or neither.
 */
export async function dropUsagePartitionsBefore(connection: PostgresConnection, cutoff: number): Promise<DropUsagePartitionsResult> {
  return inLockedTransaction(connection, async (client) => {
    const dropped: string[] = [];
    let deleted = 0;
    const names = [...(await existingPartitions(client))].map((name) => ({ name, day: dayStartOfPartition(name) })).filter((p) => p.day !== null && p.day + DAY_MS <= cutoff);
    names.sort((a, b) => (a.day as number) - (b.day as number));
    for (const { name } of names) {
      const table = `${USAGE_PARTITION_SCHEMA}.${name}`;
      const rows = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      deleted += rows.rows[0]?.n ?? 0;
      await client.query(`DELETE FROM usage_bodies WHERE request_id IN (SELECT request_id FROM ${table})`);
      await client.query(`DELETE FROM usage_errors WHERE request_id IN (SELECT request_id FROM ${table})`);
      await client.query(`DROP TABLE ${table}`);
      dropped.push(name);
    }
    const fromDefault = await client.query(`DELETE FROM ${USAGE_PARTITION_SCHEMA}.usage_log_default WHERE ts < $1`, [cutoff]);
    await client.query('DELETE FROM usage_hourly WHERE hour < $1', [cutoff]);
    return { dropped, deleted: deleted + (fromDefault.rowCount ?? 0) };
  });
}
