// The team-mode readiness probe on a real throwaway PostgreSQL 15: connected on a migrated
// database, "migrations pending" below this build's schema, "database unavailable" quickly (no hang)
// when the pool cannot answer or the server is stopped, and connected again on the same pool once
// the server is back, without a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../../main/storage/database-url.js';
import { migratePostgresDatabase } from '../../../main/storage/migrate-postgres-database.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../main/storage/migrations/index.js';
import { openPostgresPool, type PostgresConnection } from '../../../main/storage/open-postgres-pool.js';
import { createPostgresReadiness } from '../../../main/storage/postgres-readiness.js';
import { usePostgresCluster } from '../../support/postgres-cluster.js';
import { captureLog } from './storage-test-kit.js';

const postgres = usePostgresCluster();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function database(migrations = MIGRATIONS): Promise<PostgresConnection> {
  const url = parseDatabaseUrl(await postgres.createDatabase());
  if (migrations.length > 0) await migratePostgresDatabase({ url, log: captureLog(), migrations });
  const connection = openPostgresPool(url, { max: 2 });
  cleanups.push(() => connection.close());
  return connection;
}

describe('createPostgresReadiness', () => {
  it('answers connected on a database at the schema this build expects', async () => {
    const { pool } = await database();
    expect(await createPostgresReadiness({ pool, log: captureLog() }).check()).toEqual({ status: 'connected', db: 'connected', schemaVersion: LATEST_SCHEMA_VERSION });
  });

  it('answers migrations pending on a database not migrated at all, or not to the last step', async () => {
    const empty = await database([]);
    expect(await createPostgresReadiness({ pool: empty.pool, log: captureLog() }).check()).toEqual({
      status: 'not_ready', reason: 'migrations pending', db: 'connected', schemaVersion: 0, expectedSchemaVersion: LATEST_SCHEMA_VERSION,
    });
    const behind = await database(MIGRATIONS.slice(0, -1));
    expect(await createPostgresReadiness({ pool: behind.pool, log: captureLog() }).check()).toMatchObject({
      status: 'not_ready', reason: 'migrations pending', schemaVersion: LATEST_SCHEMA_VERSION - 1,
    });
  });

  it('answers database unavailable within its timeout when the pool cannot give it a connection, then recovers', async () => {
    const { pool } = await database();
    const readiness = createPostgresReadiness({ pool, log: captureLog(), timeoutMs: 300 });
    // Both connections taken: a query would wait for one forever.
    const held = [await pool.connect(), await pool.connect()];
    const started = performance.now();
    expect(await readiness.check()).toEqual({ status: 'not_ready', reason: 'database unavailable', db: 'unavailable' });
    expect(performance.now() - started).toBeLessThan(2000);
    for (const client of held) client.release();
    await expect.poll(async () => (await readiness.check()).status, { timeout: 3000, interval: 50 }).toBe('connected');
  });

  // Last: it stops the file's server for a while.
  it('answers database unavailable quickly while the server is stopped, and connected on the same pool once it is back', async () => {
    const { pool } = await database();
    const log = captureLog();
    const readiness = createPostgresReadiness({ pool, log });
    expect((await readiness.check()).status).toBe('connected');
    await postgres.cluster().pause();
    try {
      const started = performance.now();
      expect(await readiness.check()).toEqual({ status: 'not_ready', reason: 'database unavailable', db: 'unavailable' });
      const downMs = performance.now() - started;
      console.info(`readiness with the server stopped: not_ready in ${downMs.toFixed(0)} ms`);
      expect(downMs).toBeLessThan(2000);
      expect((await readiness.check()).status).toBe('not_ready');
    } finally {
      await postgres.cluster().resume();
    }
    await expect.poll(async () => (await readiness.check()).status, { timeout: 5000, interval: 100 }).toBe('connected');
    expect(log.lines.map((line) => `${line.level} ${line.msg}`)).toEqual([
      'warn readiness: the database is unavailable',
      'info readiness: the database answers again',
    ]);
  });
});
