// bindPostgresUnit: runs a StorageUnit on a PostgreSQL pool, the same body SQLite runs: a read on
// any pooled client, a write in BEGIN ... COMMIT on one client (rolled back on any error). Never
// holds a client across anything but the unit's own queries.
import type pg from 'pg';
import type { PostgresConnection } from './open-postgres-pool.js';
import { postgresUnavailable } from './postgres-unavailable.js';
import type { StorageQuery, StorageUnit } from './storage-unit.js';

export function bindPostgresUnit<Args extends unknown[], Result>(connection: PostgresConnection, unit: StorageUnit<Args, Result>): (...args: Args) => Promise<Result> {
  return async (...args: Args): Promise<Result> => {
    let client: pg.PoolClient;
    try {
      client = await connection.pool.connect();
    } catch (error) {
      throw postgresUnavailable(connection.url, error);
    }
    let broken = false;
    try {
      try {
        if (unit.mode === 'write') await client.query('BEGIN');
        const steps = unit.body(...args);
        let step = steps.next();
        while (step.done !== true) step = steps.next(await execute(client, step.value));
        if (unit.mode === 'write') await client.query('COMMIT');
        return step.value;
      } catch (error) {
        if (lostServer(error)) {
          // Its session is gone (or going): never lend this client again.
          broken = true;
          throw postgresUnavailable(connection.url, error);
        }
        if (unit.mode === 'write') await client.query('ROLLBACK').catch(() => (broken = true));
        throw error;
      }
    } finally {
      // A client whose rollback failed may still be inside the transaction: drop it, never reuse it.
      client.release(broken);
    }
  };
}

/**
 * The server went away or refused work mid-unit (a restart, a dropped socket, an overloaded or
 * shutting-down server): a StorageError, so callers answer 503 like an unreachable database,
 * never 500. SQLSTATE classes 08 (connection exception) and 57P (operator intervention), 53300
 * (too many connections), 57014 (statement timeout); the driver's own socket errors carry no
 * SQLSTATE. A SQL error of ours (syntax, constraint) stays itself: that is a bug, not an outage.
 */
export function lostServer(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code.startsWith('08') || code.startsWith('57P') || code === '53300' || code === '57014';
  // A socket's errno code (ECONNRESET, EPIPE, ETIMEDOUT); our own errors' codes (KeyError's
  // 'key_not_found', thrown by a unit's body) are not outages.
  if (typeof code === 'string') return /^E[A-Z_]+$/.test(code);
  return /Connection terminated|Client has encountered a connection error|not queryable/i.test(error.message);
}

async function execute(client: pg.PoolClient, query: StorageQuery): Promise<unknown> {
  const result = await client.query(query.statement.postgresql, query.params as unknown[]);
  if (query.kind === 'all') return result.rows;
  if (query.kind === 'get') return result.rows[0];
  return { changes: result.rowCount ?? 0 };
}
