// The throwaway PostgreSQL cluster for a test file (bench/throwaway-postgres-cluster.ts): one per
// file, started in beforeAll and stopped in afterAll, a fresh database per call.
import { afterAll, beforeAll } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '../../bench/throwaway-postgres-cluster.js';

export { findPostgresBinaries, POSTGRES_INSTALL_HINT, startPostgresCluster, type PostgresBinariesOptions, type PostgresCluster } from '../../bench/throwaway-postgres-cluster.js';

/**
 * For a test file: one cluster for the file (started in beforeAll, stopped in afterAll) and a
 * fresh database per call of the returned function.
 */
export function usePostgresCluster(): { cluster(): PostgresCluster; createDatabase(): Promise<string> } {
  let started: PostgresCluster | undefined;
  beforeAll(async () => {
    started = await startPostgresCluster();
  }, 60_000);
  afterAll(async () => {
    await started?.stop();
  });
  const cluster = () => {
    if (started === undefined) throw new Error('The PostgreSQL cluster did not start; see the error in beforeAll.');
    return started;
  };
  return { cluster, createDatabase: () => cluster().createDatabase() };
}

