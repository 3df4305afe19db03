// A team's rpm_limit and tpm_limit, counted over all its keys together beside each key's own
// limits, in both rate limiters: the in-process one (desktop) and the shared one counting in the
// database (team mode; run on both engines, two connections standing in for two replicas).
import { describe, expect, it } from 'vitest';
import { createRateLimiter, type RateLimitDecision, type RateLimitedKey, type RateLimitedTeam } from '../../../main/metering/rate-limiter.js';
import { createSharedRateLimiter, type SharedRateLimiter } from '../../../main/metering/shared-rate-limiter.js';
import { silentLog } from '../../support/silent-log.js';
import { ENGINES, useStorageEngines, type EngineName } from '../storage/storage-engines-kit.js';
import { fakeClock } from '../storage/storage-test-kit.js';

const engines = useStorageEngines();

function teamOf(limits: Partial<RateLimitedTeam>): RateLimitedTeam {
  return { id: 't-research', name: "team 'research'", rpmLimit: null, tpmLimit: null, ...limits };
}

function key(id: string, team: RateLimitedTeam | undefined, limits: Partial<RateLimitedKey> = {}): RateLimitedKey {
  return { id, name: id, rpmLimit: null, tpmLimit: null, maxParallelRequests: null, ...(team ? { team } : {}), ...limits };
}

const admitted = (decisions: RateLimitDecision[]) => decisions.filter((d) => d.ok).length;

describe('team limits in the in-process rate limiter', () => {
  it('admits exactly the team rpm over two keys of the team, names the team, and admits again after the window', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ clock });
    const team = teamOf({ rpmLimit: 5 });
    const a = key('key_a', team);
    const b = key('key_b', team);
    const decisions = Array.from({ length: 20 }, (_, i) => limiter.check(i % 2 === 0 ? a : b, 0));
    expect(admitted(decisions)).toBe(5);
    const refused = decisions.find((d) => !d.ok);
    expect(refused).toMatchObject({ ok: false, limitType: 'requests', limit: 5, remaining: 0, retryAfterSeconds: 60, message: "Rate limit exceeded for team 'research': 5 requests per minute. Retry after 60 s." });
    // Another team's key and an ownerless key are not held by it.
    expect(limiter.check(key('key_c', teamOf({ id: 't-other', rpmLimit: 5 })), 0).ok).toBe(true);
    expect(limiter.check(key('key_d', undefined), 0).ok).toBe(true);
    clock.advance(60_000);
    expect(limiter.check(b, 0).ok).toBe(true);
  });

  it("refuses on the key's own limit before the team's is reached, and a cancelled request gives the team its slot back", () => {
    const limiter = createRateLimiter({ clock: fakeClock() });
    const team = teamOf({ rpmLimit: 3 });
    const a = key('key_a', team, { rpmLimit: 1 });
    const b = key('key_b', team);
    expect(limiter.check(a, 0).ok).toBe(true);
    expect(limiter.check(a, 0)).toMatchObject({ ok: false, message: expect.stringMatching(/^Rate limit exceeded for key_a: 1 requests per minute/) });
    const second = limiter.check(b, 0);
    expect(second.ok).toBe(true);
    expect(limiter.check(b, 0).ok).toBe(true);
    expect(limiter.check(b, 0)).toMatchObject({ ok: false, limit: 3, message: expect.stringContaining("team 'research'") });
    if (second.ok) limiter.cancel(second.ticket);
    expect(limiter.check(b, 0).ok).toBe(true);
  });

  it("counts the team's tokens over its keys: estimates held, then the real totals", () => {
    const limiter = createRateLimiter({ clock: fakeClock() });
    const team = teamOf({ tpmLimit: 1_000 });
    const a = key('key_a', team);
    const b = key('key_b', team);
    const first = limiter.check(a, 400);
    expect(first.ok).toBe(true);
    expect(limiter.check(b, 500).ok).toBe(true);
    expect(limiter.check(b, 200)).toMatchObject({ ok: false, limitType: 'tokens', limit: 1_000, remaining: 100, message: expect.stringContaining("team 'research': 1000 tokens per minute") });
    if (first.ok) limiter.recordTokens(first.ticket, 100);
    expect(limiter.check(b, 200).ok).toBe(true);
  });
});

async function sharedLimiters(engine: EngineName): Promise<[SharedRateLimiter, SharedRateLimiter]> {
  const db = await engines.open(engine);
  const other = await db.reconnect();
  const make = (connection: typeof other, i: number) => createSharedRateLimiter(connection, { clock: db.clock, log: silentLog, replicaId: `replica-${i}`, renewTimer: false });
  return [make(db.connection, 0), make(other, 1)];
}

describe.each(ENGINES)('team limits in the shared rate limiter on %s', (engine) => {
  it('admits exactly the team rpm of 20 concurrent requests through two keys on two replicas', async () => {
    const [first, second] = await sharedLimiters(engine);
    const team = teamOf({ rpmLimit: 5 });
    const a = key('key_a', team);
    const b = key('key_b', team, { rpmLimit: 100 });
    const decisions = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? first.check(a, 0) : second.check(b, 0))));
    expect(admitted(decisions)).toBe(5);
    expect(decisions.find((d) => !d.ok)).toMatchObject({ ok: false, limitType: 'requests', limit: 5, remaining: 0, message: expect.stringMatching(/^Rate limit exceeded for team 'research': 5 requests per minute\. Retry after \d+ s\.$/) });
    // The key's own count is kept beside the team's: key_b's own headers say how many it used.
    expect(Number(second.headers(b)['x-ratelimit-remaining-requests'])).toBeGreaterThan(90);
  });

  it("holds the team's tokens across replicas, and cancel gives the team back its request", async () => {
    const [first, second] = await sharedLimiters(engine);
    const team = teamOf({ tpmLimit: 1_000, rpmLimit: 2 });
    const a = key('key_a', team);
    const b = key('key_b', team);
    const held = await first.check(a, 600);
    expect(held.ok).toBe(true);
    expect(await second.check(b, 600)).toMatchObject({ ok: false, limitType: 'tokens', limit: 1_000 });
    if (held.ok) await first.recordTokens(held.ticket, 100);
    const fits = await second.check(b, 600);
    expect(fits.ok).toBe(true);
    expect(await first.check(a, 0)).toMatchObject({ ok: false, limitType: 'requests', limit: 2 });
    if (fits.ok) await second.cancel(fits.ticket);
    expect((await first.check(a, 0)).ok).toBe(true);
  });
});

describe('team limits in the shared rate limiter: cost', () => {
  it('measures one check of a key with limits of its own and its team, beside one of the key alone (PostgreSQL, loopback)', async () => {
    const [limiter] = await sharedLimiters('postgresql');
    const alone = key('key_alone', undefined, { rpmLimit: 1_000_000, tpmLimit: 1_000_000_000 });
    const inTeam = key('key_team', teamOf({ rpmLimit: 1_000_000, tpmLimit: 1_000_000_000 }), { rpmLimit: 1_000_000, tpmLimit: 1_000_000_000 });
    const medians: Record<string, number> = {};
    for (const [name, k] of [['key alone', alone], ['key and team', inTeam]] as const) {
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const start = performance.now();
        expect((await limiter.check(k, 10)).ok).toBe(true);
        times.push(performance.now() - start);
      }
      times.sort((x, y) => x - y);
      medians[name] = times[100] as number;
    }
    // Measured, not asserted: speed is the benchmark's business (conventions.md).
    console.info(`shared rate limiter, median check: key alone ${medians['key alone']!.toFixed(2)} ms, key and team ${medians['key and team']!.toFixed(2)} ms (200 sequential checks each)`);
  });
});
