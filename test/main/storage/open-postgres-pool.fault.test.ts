// The team-mode pool on a real throwaway PostgreSQL 15, when a connection's socket fails while the
// client is lent out (queries in flight). Found by the 3-replica e2e: a database restart reset the
// socket of a client a unit held, pg emitted 'error' on it with no listener, and the replica exited.
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { parseDatabaseUrl } from '../../../main/storage/database-url.js';
import { openPostgresPool, type PostgresConnection } from '../../../main/storage/open-postgres-pool.js';
import { usePostgresCluster } from '../../support/postgres-cluster.js';

const postgres = usePostgresCluster();
let connection: PostgresConnection | undefined;
afterEach(async () => {
  await connection?.close().catch(() => undefined);
  connection = undefined;
});

describe('openPostgresPool', () => {
  it('survives a lent-out client\'s socket failing: its query fails, the process goes on, the pool serves on a new connection', async () => {
    connection = openPostgresPool(parseDatabaseUrl(await postgres.createDatabase()), { max: 1 });
    const client = await connection.pool.connect();
    const slow = client.query('SELECT pg_sleep(5)');
    const failed = slow.then(() => 'answered', (error: Error) => error.message);
    // The socket dies under the query, as on ECONNRESET when the server restarts.
    (client as unknown as { connection: { stream: Socket } }).connection.stream.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    expect(await failed).toMatch(/ECONNRESET|Connection terminated/);
    // An unheard 'error' would be thrown from the socket's error callback; give it a turn to fire.
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.release();
    // Pool size 1: this query proves the broken client was discarded, not reused.
    expect((await connection.pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
  });
});
