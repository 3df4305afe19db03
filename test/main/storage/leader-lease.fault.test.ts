// The sweep leader on a real throwaway PostgreSQL 15: of two replicas contending, exactly one
// leads; when the leader's session is killed, the other takes over at its next try (retryMs), and the
// old leader knows it lost; close() hands leadership over.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from '../../../main/storage/database-url.js';
import { scheduleSweeps } from '../../../main/core/schedule-sweeps.js';
import { createLeaderLease, type LeaderLease } from '../../../main/storage/leader-lease.js';
import { usePostgresCluster } from '../../support/postgres-cluster.js';
import { captureLog } from './storage-test-kit.js';

const postgres = usePostgresCluster();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const RETRY_MS = 200;

async function contenders(count: number) {
  const url = parseDatabaseUrl(await postgres.createDatabase());
  const leases: LeaderLease[] = [];
  const logs = [];
  for (let i = 0; i < count; i++) {
    const log = captureLog();
    logs.push(log);
    const lease = createLeaderLease({ url, lockId: '42', log, retryMs: RETRY_MS });
    cleanups.push(() => lease.close());
    leases.push(lease);
  }
  await Promise.all(leases.map((lease) => lease.settled()));
  return { url, leases, logs };
}

async function leaderSessionPids(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query<{ pid: number }>(
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = 42 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    );
    return found.rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

describe('createLeaderLease', () => {
  it('makes exactly one of three contenders the leader, and keeps it so', async () => {
    const { leases } = await contenders(3);
    expect(leases.filter((lease) => lease.isLeader())).toHaveLength(1);
    // Several more rounds of tries: still one.
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS * 3));
    expect(leases.filter((lease) => lease.isLeader())).toHaveLength(1);
  });

  it("hands leadership to the other replica within retryMs when the leader's session is killed", async () => {
    const { url, leases, logs } = await contenders(2);
    const first = leases.findIndex((lease) => lease.isLeader());
    expect(first).toBeGreaterThanOrEqual(0);
    const [pid] = await leaderSessionPids(url.connectionString);
    const killedAt = performance.now();
    const admin = new pg.Client({ connectionString: url.connectionString });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
    const other = leases[1 - first]!;
    await expect.poll(() => other.isLeader(), { timeout: RETRY_MS * 5, interval: 10 }).toBe(true);
    console.info(`leader lease: took over ${(performance.now() - killedAt).toFixed(0)} ms after the leader's session was killed (retryMs ${RETRY_MS})`);
    expect(leases[first]!.isLeader()).toBe(false);
    expect(logs[first]!.lines.map((line) => line.msg)).toContain('leader: this replica no longer runs the periodic sweeps');
    // The old leader keeps contending, and does not lead again while the other holds the lock.
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS * 3));
    expect(leases.filter((lease) => lease.isLeader())).toEqual([other]);
  });

  it('runs the sweeps of two replicas on the leader only', async () => {
    const { leases } = await contenders(2);
    const runs: number[] = [];
    for (const [replica, lease] of leases.entries()) {
      const sweeps = scheduleSweeps({ jobs: [{ name: 'budget-resets', everyMs: 50, run: () => void runs.push(replica) }], isLeader: lease.isLeader, log: captureLog() });
      cleanups.push(() => sweeps.close());
    }
    await expect.poll(() => runs.length, { timeout: 2000, interval: 10 }).toBeGreaterThanOrEqual(4);
    expect(new Set(runs)).toEqual(new Set([leases.findIndex((lease) => lease.isLeader())]));
  });

  it('hands leadership over on close()', async () => {
    const { leases } = await contenders(2);
    const leader = leases.find((lease) => lease.isLeader())!;
    const follower = leases.find((lease) => lease !== leader)!;
    await leader.close();
    expect(leader.isLeader()).toBe(false);
    await expect.poll(() => follower.isLeader(), { timeout: RETRY_MS * 5, interval: 10 }).toBe(true);
  });

  it('leads nobody while the database cannot be reached, and never logs the password', async () => {
    const url = parseDatabaseUrl(`postgresql://postgres:hunter2-secret@127.0.0.1:1/none`);
    const log = captureLog();
    const lease = createLeaderLease({ url, log, retryMs: RETRY_MS });
    cleanups.push(() => lease.close());
    await lease.settled();
    expect(lease.isLeader()).toBe(false);
    expect(log.lines.map((line) => line.msg)).toEqual(['leader: cannot reach the database; retrying']);
    expect(JSON.stringify(log.lines)).not.toContain('hunter2');
  });
});
