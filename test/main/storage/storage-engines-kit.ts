// Runs one repository test once per storage engine: an SQLite file (as the desktop has) and a
// database on the throwaway PostgreSQL cluster (team mode), both migrated by their real runners.
// Calls are awaited, so the same test reads a plain value on SQLite and a Promise on PostgreSQL.
import { afterEach } from 'vitest';
import { parseDatabaseUrl } from '../../../main/storage/database-url.js';
import { openDatabase } from '../../../main/storage/open-database.js';
import { migratePostgresDatabase } from '../../../main/storage/migrate-postgres-database.js';
import { openPostgresPool } from '../../../main/storage/open-postgres-pool.js';
import type { StorageConnection } from '../../../main/storage/storage-connection.js';
import { usePostgresCluster } from '../../support/postgres-cluster.js';
import { captureLog, fakeClock, openTempDatabase, type FakeClock } from './storage-test-kit.js';

export type EngineName = 'sqlite' | 'postgresql';
export const ENGINES: EngineName[] = ['sqlite', 'postgresql'];

export interface EngineDatabase {
  connection: StorageConnection;
  clock: FakeClock;
  /** A second connection to the same database, as after a restart (or another replica). */
  reconnect(): Promise<StorageConnection>;
}

/** Call at the top of a test file; open(engine) gives each test a fresh, migrated database. */
export function useStorageEngines(): { open(engine: EngineName): Promise<EngineDatabase> } {
  const postgres = usePostgresCluster();
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    async open(engine) {
      const clock = fakeClock();
      if (engine === 'sqlite') {
        const opened = openTempDatabase({ clock });
        cleanups.push(() => opened.dispose());
        return {
          connection: opened.db,
          clock,
          reconnect: async () => {
            const again = openDatabase({ file: opened.file, log: captureLog(), clock });
            cleanups.push(() => {
              again.db.close();
            });
            return again.db;
          },
        };
      }
      const url = parseDatabaseUrl(await postgres.createDatabase());
      await migratePostgresDatabase({ url, log: captureLog() });
      const connect = () => {
        const connection = openPostgresPool(url, { max: 2 });
        cleanups.push(() => connection.close());
        return connection;
      };
      return { connection: connect(), clock, reconnect: async () => connect() };
    },
  };
}
