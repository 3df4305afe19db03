// The shared rate limiter on a real throwaway PostgreSQL cluster, three pools standing in for
// three replicas: the limits must hold exactly when they race, and a dead replica's parallel slots
// must come back after the lease. Also measures the cost of one check (docs/storage-engines.md).
import { describe, expect, it } from 'vitest';
import { createSharedRateLimiter, sweepSharedRateLimits, type SharedRateLimiter } from '../../../main/metering/shared-rate-limiter.js';
import type { RateLimitedKey } from '../../../main/metering/rate-limiter.js';
import type { StorageConnection } from '../../../main/storage/storage-connection.js';
import { silentLog } from '../../support/silent-log.js';
import { useStorageEngines } from '../storage/storage-engines-kit.js';
import { captureLog, fakeClock, type FakeClock } from '../storage/storage-test-kit.js';
import type { PostgresConnection } from '../../../main/storage/open-postgres-pool.js';

const engines = useStorageEngines();

function key(limits: Partial<RateLimitedKey>): RateLimitedKey {
  return { id: 'key-1', name: 'app', rpmLimit: null, tpmLimit: null, maxParallelRequests: null, ...limits };
}

async function replicas(count: number, options: { leaseMs?: number } = {}): Promise<{ limiters: SharedRateLimiter[]; clock: FakeClock; connection: StorageConnection }> {
  const db = await engines.open('postgresql');
  const connections = [db.connection];
  while (connections.length < count) connections.push(await db.reconnect());
  const limiters = connections.map((c, i) => createSharedRateLimiter(c, { clock: db.clock, log: silentLog, replicaId: `replica-${i}`, renewTimer: false, ...options }));
  return { limiters, clock: db.clock, connection: db.connection };
}

describe('shared rate limiter across replicas (PostgreSQL)', () => {
  it('admits exactly rpm_limit of 100 concurrent checks from 3 replicas, and again after the window', async () => {
    const { limiters, clock } = await replicas(3);
    const k = key({ rpmLimit: 25 });
    const decisions = await Promise.all(Array.from({ length: 100 }, (_, i) => (limiters[i % 3] as SharedRateLimiter).check(k, 0)));
    expect(decisions.filter((d) => d.ok)).toHaveLength(25);
    const refused = decisions.find((d) => !d.ok);
    expect(refused).toMatchObject({ ok: false, limitType: 'requests', limit: 25, remaining: 0 });
    if (refused && !refused.ok) expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(60);
    expect((limiters[0] as SharedRateLimiter).headers(k)['x-ratelimit-remaining-requests']).toBe('0');
    clock.advance(59_000);
    expect((await (limiters[1] as SharedRateLimiter).check(k, 0)).ok).toBe(false);
    clock.advance(2_000);
    const again = await (limiters[2] as SharedRateLimiter).check(k, 0);
    expect(again.ok).toBe(true);
    if (again.ok) expect(again.headers['x-ratelimit-remaining-requests']).toBe('24');
  });

  it('counts real tokens recorded on one replica when another checks tpm; cancel un-counts', async () => {
    const { limiters, clock } = await replicas(2);
    const [a, b] = limiters as [SharedRateLimiter, SharedRateLimiter];
    const k = key({ tpmLimit: 1_000, rpmLimit: 10 });
    const first = await a.check(k, 100);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    clock.advance(1_500);
    await a.recordTokens(first.ticket, 900);
    const refused = await b.check(k, 200);
    expect(refused).toMatchObject({ ok: false, limitType: 'tokens', limit: 1_000, remaining: 100 });
    const fits = await b.check(k, 100);
    expect(fits.ok).toBe(true);
    if (fits.ok) {
      expect(fits.headers['x-ratelimit-remaining-tokens']).toBe('0');
      await b.cancel(fits.ticket);
    }
    const afterCancel = await a.check(k, 100);
    expect(afterCancel.ok).toBe(true);
    if (afterCancel.ok) expect(afterCancel.headers['x-ratelimit-remaining-requests']).toBe('8');
  });

  it('never lets more than max_parallel_requests run at once across replicas', async () => {
    const { limiters } = await replicas(3);
    const k = key({ maxParallelRequests: 3 });
    let holding = 0;
    let most = 0;
    let admitted = 0;
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const limiter = limiters[i % 3] as SharedRateLimiter;
        const decision = await limiter.acquireParallel(k);
        if (!decision.ok) return;
        admitted++;
        holding++;
        most = Math.max(most, holding);
        await new Promise((r) => setTimeout(r, 20));
        holding--;
        await limiter.release(decision.lease);
      }),
    );
    expect(most).toBeLessThanOrEqual(3);
    expect(admitted).toBeGreaterThanOrEqual(3);
    // All released: three fresh slots.
    const again = await Promise.all([0, 1, 2, 0].map((i) => (limiters[i] as SharedRateLimiter).acquireParallel(k)));
    expect(again.filter((d) => d.ok)).toHaveLength(3);
  });

  it("frees a dead replica's slots after the lease, and keeps a renewed one's", async () => {
    const { limiters, clock, connection } = await replicas(2, { leaseMs: 5_000 });
    const [dead, live] = limiters as [SharedRateLimiter, SharedRateLimiter];
    const k = key({ maxParallelRequests: 2 });
    expect((await dead.acquireParallel(k)).ok).toBe(true);
    expect((await live.acquireParallel(k)).ok).toBe(true);
    expect(await live.acquireParallel(k)).toMatchObject({ ok: false, limitType: 'parallel_requests', limit: 2 });
    clock.advance(4_000);
    await live.renewLeases();
    clock.advance(1_500);
    // The dead replica's lease ran out; the live one's was renewed.
    expect((await live.acquireParallel(k)).ok).toBe(true);
    expect((await live.acquireParallel(k)).ok).toBe(false);
    clock.advance(120_000);
    expect(await sweepSharedRateLimits(connection, clock.now())).toBeGreaterThanOrEqual(2);
  });

  it('release never throws when the database is unreachable (logs, the lease expires)', async () => {
    const { limiters, connection } = await replicas(1);
    const decision = await (limiters[0] as SharedRateLimiter).acquireParallel(key({ maxParallelRequests: 1 }));
    expect(decision.ok).toBe(true);
    // The same replica state, but every connect fails as when PostgreSQL is down.
    const down = { ...(connection as PostgresConnection), pool: { connect: () => Promise.reject(new Error('connect ECONNREFUSED')) } } as unknown as PostgresConnection;
    const log = captureLog();
    const limiter = createSharedRateLimiter(down, { clock: fakeClock(), log, renewTimer: false });
    const lease = await (async () => {
      const d = await (limiters[0] as SharedRateLimiter).acquireParallel(key({ id: 'key-2', maxParallelRequests: 1 }));
      return d.ok ? d.lease : null;
    })();
    expect(lease).not.toBeNull();
    if (lease) await expect(limiter.release(lease)).resolves.toBeUndefined();
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('measures the cost of one check over loopback', async () => {
    const { limiters } = await replicas(1);
    const limiter = limiters[0] as SharedRateLimiter;
    const k = key({ rpmLimit: 1_000_000, tpmLimit: 1_000_000_000 });
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const start = performance.now();
      await limiter.check(k, 10);
      times.push(performance.now() - start);
    }
    times.sort((x, y) => x - y);
    const median = times[100] as number;
    console.log(`shared rate limiter: median check ${median.toFixed(2)} ms, p95 ${(times[190] as number).toFixed(2)} ms (200 sequential checks, loopback)`);
    expect(median).toBeLessThan(50);
  });
});
