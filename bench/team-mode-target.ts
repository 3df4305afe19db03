// The team-mode bench row: the same gateway (`switchboard serve`) on a throwaway PostgreSQL 15
// cluster started for the run (DATABASE_URL), the client on a virtual key, so every request is
// verified, reserved, rate-limit-counted and recorded in PostgreSQL. Compared against the SQLite
// gateway on a virtual key: the difference is what the shared database costs per request. After
// the load, the ledger must hold one row per request sent. The cluster stops with the target.
import { startPostgresCluster, type PostgresCluster } from './throwaway-postgres-cluster.js';
import type { BenchTarget } from './bench-target.js';
import { gatewayTarget, type GatewayTargetOptions } from './gateway-target.js';

/** gatewayTarget's options, run on a fresh PostgreSQL database instead of the data directory's SQLite file. */
export function teamModeTarget(options: Omit<GatewayTargetOptions, 'env'>): BenchTarget {
  return {
    name: options.name,
    role: 'gateway',
    ...(options.comparedTo === undefined ? {} : { comparedTo: options.comparedTo }),
    async start(context) {
      let cluster: PostgresCluster | undefined = await startPostgresCluster();
      try {
        const databaseUrl = await cluster.createDatabase();
        const running = await gatewayTarget({ ...options, env: { DATABASE_URL: databaseUrl } }).start(context);
        const started = cluster;
        cluster = undefined;
        return {
          ...running,
          async stop() {
            await running.stop();
            await started.stop();
          },
        };
      } finally {
        await cluster?.stop();
      }
    },
  };
}
