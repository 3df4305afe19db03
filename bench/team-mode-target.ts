// The team-mode bench row: the same gateway (`switchboard serve`) as two replicas sharing one
// throwaway PostgreSQL 15 database (DATABASE_URL), the client on a virtual key and its load spread
// across both, so every request is verified, reserved, rate-limit-counted and recorded in
// PostgreSQL by whichever replica it reaches. Compared against the SQLite gateway on a virtual
// key: the difference is what the shared database costs per request. After the load, the ledger
// must hold one row per request sent to either replica. The cluster stops with the target.
import { startPostgresCluster, type PostgresCluster } from './throwaway-postgres-cluster.js';
import type { BenchTarget, RunningTarget } from './bench-target.js';
import { gatewayTarget, type GatewayTargetOptions } from './gateway-target.js';
import { readProcessCpuMs } from './read-process-cpu.js';
import { replicaCpuFindings } from './replica-cpu-findings.js';

export interface TeamModeTargetOptions extends Omit<GatewayTargetOptions, 'env'> {
  /** `serve` processes on the one database (default 2). */
  replicas?: number;
}

/**
 * gatewayTarget's options, run as `replicas` processes on a fresh PostgreSQL database instead of
 * the data directory's SQLite file. The first replica carries the scenario (its prepare makes the
 * client's key, its afterLoad reads the ledger, its process is the one whose memory is reported);
 * the others only serve. All start at once: they migrate under the database's advisory lock.
 */
export function teamModeTarget(options: TeamModeTargetOptions): BenchTarget {
  const { replicas: count = 2, ...gateway } = options;
  if (!Number.isInteger(count) || count < 1) throw new Error(`teamModeTarget: replicas must be a positive integer, not ${count}`);
  return {
    name: options.name,
    role: 'gateway',
    ...(options.comparedTo === undefined ? {} : { comparedTo: options.comparedTo }),
    async start(context) {
      let cluster: PostgresCluster | undefined = await startPostgresCluster();
      try {
        const env = { DATABASE_URL: await cluster.createDatabase() };
        // Each replica its own name: its own work folder, profile folder and line in errors.
        const targets = Array.from({ length: count }, (_, i) => gatewayTarget(i === 0
          ? { ...gateway, name: replicaName(options.name, 1, count), env }
          : {
            name: replicaName(options.name, i + 1, count), configYaml: gateway.configYaml, masterKey: gateway.masterKey,
            ...(gateway.model === undefined ? {} : { model: gateway.model }), env, measureStartup: false,
          }));
        const running = await startAll(targets.map((target) => () => target.start(context)));
        const first = running[0]!;
        const started = cluster;
        cluster = undefined;
        return {
          ...first,
          origins: running.map((replica) => replica.origin),
          pids: running.flatMap((replica) => (replica.pid === undefined ? [] : [replica.pid])),
          // The scenario's own findings (the ledger), then proof that every replica did its share.
          async afterLoad(sent) {
            const own = first.afterLoad ? await first.afterLoad(sent) : { notes: [], warnings: [] };
            const spread = replicaCpuFindings(options.name, running.map((replica) => (replica.pid === undefined ? undefined : readProcessCpuMs(replica.pid))));
            return { notes: [...own.notes, ...spread.notes], warnings: [...own.warnings, ...spread.warnings] };
          },
          async stop() {
            await Promise.all(running.map((replica) => replica.stop()));
            await started.stop();
          },
        };
      } finally {
        await cluster?.stop();
      }
    },
  };
}

function replicaName(name: string, index: number, count: number): string {
  return count === 1 ? name : `${name}, replica ${index}`;
}

/** Starts every replica at once; if any fails, stops the ones that started and throws the first failure. */
async function startAll(starts: readonly (() => Promise<RunningTarget>)[]): Promise<RunningTarget[]> {
  const outcomes = await Promise.allSettled(starts.map((start) => start()));
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  const running = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  if (failed) {
    await Promise.all(running.map((replica) => replica.stop()));
    throw failed.reason;
  }
  return running;
}
