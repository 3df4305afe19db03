// A storage unit whose server goes away mid-unit, on a real throwaway PostgreSQL 15: the caller gets
// the StorageError it answers 503 for (storage_unavailable, masked URL), not the driver's raw error,
// which the gateway answered as a 500 internal_error (found by the 3-replica outage e2e). A SQL
// error of ours stays itself. Read and write units both.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../../main/storage/database-url.js';
import { openPostgresPool, type PostgresConnection } from '../../../main/storage/open-postgres-pool.js';
import { bindPostgresUnit, lostServer } from '../../../main/storage/run-postgres-unit.js';
import { sql } from '../../../main/storage/sql-statement.js';
import { get, readUnit, writeUnit } from '../../../main/storage/storage-unit.js';
import { isStorageError } from '../../../main/storage/storage-error.js';
import { usePostgresCluster } from '../../support/postgres-cluster.js';

const postgres = usePostgresCluster();
let connection: PostgresConnection | undefined;
afterEach(async () => {
  await connection?.close().catch(() => undefined);
  connection = undefined;
});

const SLEEP = sql("SELECT pg_sleep(10) AS slept, 'sleeping-unit' AS marker");
const BROKEN = sql('SELECT no_such_column FROM pg_class');
const sleepRead = readUnit(function* () {
  return yield* get(SLEEP);
});
const sleepWrite = writeUnit(function* () {
  return yield* get(SLEEP);
});
const broken = readUnit(function* () {
  return yield* get(BROKEN);
});

/** Ends the backend running the sleeping unit, as a server restart or an operator would. */
async function terminateSleeper(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (;;) {
      const ended = await admin.query("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query LIKE '%sleeping-unit%' AND pid <> pg_backend_pid()");
      if (ended.rowCount! > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await admin.end();
  }
}

describe('bindPostgresUnit when the server goes away mid-unit', () => {
  it.each([['read', sleepRead], ['write', sleepWrite]] as const)('a %s unit fails with storage_unavailable naming the masked database', async (_, unit) => {
    const url = parseDatabaseUrl(await postgres.createDatabase());
    connection = openPostgresPool(url, { max: 1 });
    const outcome = bindPostgresUnit(connection, unit)().then(() => undefined, (error: unknown) => error);
    await terminateSleeper(postgres.cluster().adminUrl);
    const error = await outcome;
    expect(isStorageError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'storage_unavailable' });
    expect((error as Error).message).toContain(url.masked);
    // The pool (size 1) dropped the dead client and serves again.
    expect((await connection.pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
  });

  it('leaves a SQL error of ours as it is (a bug, not an outage)', async () => {
    connection = openPostgresPool(parseDatabaseUrl(await postgres.createDatabase()), { max: 1 });
    const error = await bindPostgresUnit(connection, broken)().then(() => undefined, (e: unknown) => e);
    expect(isStorageError(error)).toBe(false);
    expect((error as { code?: string }).code).toBe('42703');
  });
});

describe('lostServer', () => {
  it('names connection loss and refusals, not SQL errors', () => {
    const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
    expect(lostServer(withCode('57P01'))).toBe(true);
    expect(lostServer(withCode('08006'))).toBe(true);
    expect(lostServer(withCode('53300'))).toBe(true);
    expect(lostServer(withCode('57014'))).toBe(true);
    expect(lostServer(withCode('ECONNRESET'))).toBe(true);
    expect(lostServer(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(lostServer(withCode('23505'))).toBe(false);
    expect(lostServer(withCode('42703'))).toBe(false);
    expect(lostServer(new RangeError('A BIGINT value (1) is beyond 2^53'))).toBe(false);
    // A unit body's own error with a code of ours (KeyError) is the caller's answer, not an outage.
    expect(lostServer(withCode('key_not_found'))).toBe(false);
    expect(lostServer(withCode('invalid_key_input'))).toBe(false);
    expect(lostServer('text')).toBe(false);
  });
});
