// Shared rate limiter: rpm, tpm and max_parallel_requests per virtual key, held across replicas
// in the database (team mode on PostgreSQL, tables of migration 11). Same method names and
// meaning as the in-memory RateLimiter, but Promises where the database is touched.
//
// Atomicity: every decision is one write transaction that first upserts the key's row in
// rate_limit_keys. The upsert takes that row's lock until COMMIT, so two replicas checking the
// same key at once run one after the other: the second sees the first's count and cannot take
// the last slot too. Different keys never wait for each other.
//
// Window: per-second buckets (key_id, second) summed over the last 60 whole seconds, so the
// window is 59-60 s rather than exactly 60 s (tolerance: one bucket, 1 s; docs/storage-engines.md).
// Parallel requests are lease rows with lease_until: a dead replica's slots free themselves once
// its leases run out; a live replica renews its own (renewLeases, on a timer).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../storage/clock.js';
import type { Log } from '../storage/log.js';
import { sql } from '../storage/sql-statement.js';
import { bindUnit, type StorageConnection } from '../storage/storage-connection.js';
import { all, run, writeUnit } from '../storage/storage-unit.js';
import { countedWindows, formatResetDuration, type ParallelDecision, type ParallelLease, type RateLimitDecision, type RateLimited, type RateLimitedKey, type RateLimitTicket, type RateLimitType } from './rate-limiter.js';
import { rateLimitedAnswer } from './rate-limited-answer.js';

export interface SharedRateLimiter {
  check(key: RateLimitedKey, estimatedTokens: number): Promise<RateLimitDecision>;
  acquireParallel(key: RateLimitedKey): Promise<ParallelDecision>;
  /** Never throws: a failure is logged and the lease expires by itself. */
  release(lease: ParallelLease): Promise<void>;
  recordTokens(ticket: RateLimitTicket, actualTokens: number): Promise<void>;
  cancel(ticket: RateLimitTicket): Promise<void>;
  /** From the counts this replica last saw for the key (no database round trip). */
  headers(key: RateLimitedKey): Record<string, string>;
  forget(keyId: string): void;
  /** Pushes lease_until of every lease this replica holds; the timer calls it. */
  renewLeases(): Promise<void>;
  /** Stops the renew timer (leases then expire on their own). */
  close(): void;
}

export interface SharedRateLimiterOptions {
  clock: Clock;
  log: Log;
  windowMs?: number;
  /** How long a parallel slot survives its replica's death; renewed every leaseMs / 3. */
  leaseMs?: number;
  /** Identifies this replica's leases; a random id by default. */
  replicaId?: string;
  /** false: no renew timer (tests drive renewLeases by hand). */
  renewTimer?: boolean;
}

const LOCK_KEY = sql('INSERT INTO rate_limit_keys (key_id, locked_at) VALUES (?, ?) ON CONFLICT (key_id) DO UPDATE SET locked_at = excluded.locked_at');
const WINDOW_BUCKETS = sql('SELECT second, requests, tokens FROM rate_limit_buckets WHERE key_id = ? AND second > ? ORDER BY second');
const ADD_TO_BUCKET = sql(
  'INSERT INTO rate_limit_buckets (key_id, second, requests, tokens) VALUES (?, ?, ?, ?) ON CONFLICT (key_id, second) DO UPDATE SET requests = rate_limit_buckets.requests + excluded.requests, tokens = rate_limit_buckets.tokens + excluded.tokens',
);
const DROP_EXPIRED_LEASES_OF_KEY = sql('DELETE FROM rate_limit_leases WHERE key_id = ? AND lease_until <= ?');
const LEASES_OF_KEY = sql('SELECT lease_id FROM rate_limit_leases WHERE key_id = ?');
const INSERT_LEASE = sql('INSERT INTO rate_limit_leases (key_id, lease_id, replica_id, lease_until) VALUES (?, ?, ?, ?)');
const DELETE_LEASE = sql('DELETE FROM rate_limit_leases WHERE key_id = ? AND lease_id = ?');
const RENEW_LEASES = sql('UPDATE rate_limit_leases SET lease_until = ? WHERE replica_id = ?');
const SWEEP_BUCKETS = sql('DELETE FROM rate_limit_buckets WHERE second <= ?');
const SWEEP_LEASES = sql('DELETE FROM rate_limit_leases WHERE lease_until <= ?');

interface Bucket {
  second: number;
  requests: number;
  tokens: number;
}

const NO_WINDOWS: never[] = [];

interface Ticket extends RateLimitTicket {
  second: number;
  /** The windows counted (the key's, the team's) and the tokens each holds for this request. */
  counted: { windowId: string; tokens: number }[];
  done: boolean;
}

interface Lease extends ParallelLease {
  leaseId: string;
  released: boolean;
}

interface Seen {
  requests: number;
  tokens: number;
  resetRequestsAt: number;
  resetTokensAt: number;
}

type CheckOutcome =
  | { admitted: true; buckets: Bucket[][] }
  | { admitted: false; buckets: Bucket[][]; window: RateLimitedKey; limitType: RateLimitType; limit: number; used: number; resetAt: number };

/** Deletes buckets older than the window and expired leases, for every key; returns rows deleted. */
export function sweepSharedRateLimits(connection: StorageConnection, now: number, windowMs = 60_000): Promise<number> {
  const sweep = bindUnit(
    connection,
    writeUnit(function* (cutoffSecond: number, at: number) {
      const buckets = yield* run(SWEEP_BUCKETS, [cutoffSecond]);
      const leases = yield* run(SWEEP_LEASES, [at]);
      return buckets.changes + leases.changes;
    }),
  );
  return Promise.resolve(sweep(Math.floor(now / 1000) - Math.ceil(windowMs / 1000), now));
}

export function createSharedRateLimiter(connection: StorageConnection, options: SharedRateLimiterOptions): SharedRateLimiter {
  const { clock, log } = options;
  const windowMs = options.windowMs ?? 60_000;
  const windowSeconds = Math.ceil(windowMs / 1000);
  const leaseMs = options.leaseMs ?? 60_000;
  const replicaId = options.replicaId ?? randomUUID();
  const seen = new Map<string, Seen>();
  const held = new Set<Lease>();

  const sum = (buckets: Bucket[], field: 'requests' | 'tokens') => buckets.reduce((n, b) => n + b[field], 0);
  /** When the bucket counted in `second` leaves the window. */
  const expiresAt = (second: number) => (second + windowSeconds + 1) * 1000;

  function whenFits(buckets: Bucket[], field: 'requests' | 'tokens', needed: number, limit: number, now: number): number | null {
    let used = sum(buckets, field);
    if (used + needed <= limit) return now;
    for (const b of buckets) {
      used -= b[field];
      if (used + needed <= limit) return expiresAt(b.second);
    }
    return null;
  }

  function whenEmpty(buckets: Bucket[], field: 'requests' | 'tokens', now: number): number {
    for (let i = buckets.length - 1; i >= 0; i--) if ((buckets[i] as Bucket)[field] > 0) return expiresAt((buckets[i] as Bucket).second);
    return now;
  }

  const checkUnit = bindUnit(
    connection,
    writeUnit(function* (windows: RateLimitedKey[], tokens: number, now: number) {
      const second = Math.floor(now / 1000);
      const seenBuckets: Bucket[][] = [];
      const refusals: Extract<CheckOutcome, { admitted: false }>[] = [];
      // In countedWindows' order, the key's row before the team's: the fixed lock order.
      for (const window of windows) {
        yield* run(LOCK_KEY, [window.id, now]);
        const buckets = yield* all<Bucket>(WINDOW_BUCKETS, [window.id, second - windowSeconds]);
        seenBuckets.push(buckets);
        const requests = sum(buckets, 'requests');
        const used = sum(buckets, 'tokens');
        if (window.rpmLimit !== null && requests + 1 > window.rpmLimit) {
          refusals.push({ admitted: false, buckets: seenBuckets, window, limitType: 'requests', limit: window.rpmLimit, used: requests, resetAt: whenFits(buckets, 'requests', 1, window.rpmLimit, now) ?? now + windowMs });
        }
        if (window.tpmLimit !== null && used > 0 && used + tokens > window.tpmLimit) {
          const at = whenFits(buckets, 'tokens', Math.min(tokens, window.tpmLimit), window.tpmLimit, now) ?? whenEmpty(buckets, 'tokens', now);
          refusals.push({ admitted: false, buckets: seenBuckets, window, limitType: 'tokens', limit: window.tpmLimit, used, resetAt: at });
        } else if (window.tpmLimit === 0) {
          refusals.push({ admitted: false, buckets: seenBuckets, window, limitType: 'tokens', limit: 0, used, resetAt: now + windowMs });
        }
      }
      if (refusals.length > 0) return refusals.reduce((a, b) => (b.resetAt > a.resetAt ? b : a)) as CheckOutcome;
      windows.forEach((window, i) => {
        const counted = window.tpmLimit === null ? 0 : tokens;
        const buckets = seenBuckets[i] as Bucket[];
        const last = buckets[buckets.length - 1];
        if (last !== undefined && last.second === second) {
          last.requests += 1;
          last.tokens += counted;
        } else buckets.push({ second, requests: 1, tokens: counted });
      });
      for (const window of windows) yield* run(ADD_TO_BUCKET, [window.id, second, 1, window.tpmLimit === null ? 0 : tokens]);
      return { admitted: true, buckets: seenBuckets } as CheckOutcome;
    }),
  );

  const adjustUnit = bindUnit(
    connection,
    writeUnit(function* (counted: { windowId: string; tokens: number }[], second: number, requests: number, nowSecond: number, addTokens: number, now: number) {
      for (const { windowId, tokens } of counted) {
        yield* run(LOCK_KEY, [windowId, now]);
        if (requests !== 0 || tokens !== 0) yield* run(ADD_TO_BUCKET, [windowId, second, -requests, -tokens]);
        if (addTokens > 0) yield* run(ADD_TO_BUCKET, [windowId, nowSecond, 0, addTokens]);
      }
    }),
  );

  const acquireUnit = bindUnit(
    connection,
    writeUnit(function* (keyId: string, max: number | null, leaseId: string, now: number, until: number) {
      yield* run(LOCK_KEY, [keyId, now]);
      yield* run(DROP_EXPIRED_LEASES_OF_KEY, [keyId, now]);
      const leases = yield* all<{ lease_id: string }>(LEASES_OF_KEY, [keyId]);
      if (max !== null && leases.length >= max) return leases.length;
      yield* run(INSERT_LEASE, [keyId, leaseId, replicaId, until]);
      return -1;
    }),
  );

  const releaseUnit = bindUnit(
    connection,
    writeUnit(function* (keyId: string, leaseId: string) {
      yield* run(DELETE_LEASE, [keyId, leaseId]);
    }),
  );

  const renewUnit = bindUnit(
    connection,
    writeUnit(function* (until: number) {
      yield* run(RENEW_LEASES, [until, replicaId]);
    }),
  );

  function remember(key: RateLimitedKey, buckets: Bucket[], now: number): void {
    seen.set(key.id, {
      requests: sum(buckets, 'requests'),
      tokens: sum(buckets, 'tokens'),
      resetRequestsAt: whenEmpty(buckets, 'requests', now),
      resetTokensAt: whenEmpty(buckets, 'tokens', now),
    });
  }

  function headersFor(key: RateLimitedKey): Record<string, string> {
    const now = clock.now();
    let s = seen.get(key.id);
    // Counts seen a whole window ago have all expired since.
    if (s !== undefined && Math.max(s.resetRequestsAt, s.resetTokensAt) <= now) s = undefined;
    const headers: Record<string, string> = {};
    if (key.rpmLimit !== null) {
      headers['x-ratelimit-limit-requests'] = String(key.rpmLimit);
      headers['x-ratelimit-remaining-requests'] = String(Math.max(0, key.rpmLimit - (s?.requests ?? 0)));
      headers['x-ratelimit-reset-requests'] = formatResetDuration((s?.resetRequestsAt ?? now) - now);
    }
    if (key.tpmLimit !== null) {
      headers['x-ratelimit-limit-tokens'] = String(key.tpmLimit);
      headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, key.tpmLimit - (s?.tokens ?? 0)));
      headers['x-ratelimit-reset-tokens'] = formatResetDuration((s?.resetTokensAt ?? now) - now);
    }
    return headers;
  }

  function limited(key: RateLimitedKey, limitType: RateLimitType, limit: number, used: number, resetAt: number): RateLimited {
    return rateLimitedAnswer(key, limitType, limit, used, resetAt, clock.now(), headersFor(key));
  }

  let timer: NodeJS.Timeout | undefined;
  if (options.renewTimer !== false) {
    timer = setInterval(() => {
      if (held.size > 0) limiter.renewLeases().catch((error: unknown) => log.warn({ err: String(error) }, 'Could not renew parallel-request leases; they expire unless renewed'));
    }, Math.max(1_000, Math.floor(leaseMs / 3)));
    timer.unref();
  }

  const limiter: SharedRateLimiter = {
    async check(key, estimatedTokens) {
      const tokens = Math.max(0, Math.ceil(Number.isFinite(estimatedTokens) ? estimatedTokens : 0));
      // A key with no rpm/tpm limit and no team limits (most keys) is counted nowhere: no allocation.
      if (key.rpmLimit === null && key.tpmLimit === null && key.team === undefined) return { ok: true, ticket: { keyId: key.id, second: 0, counted: NO_WINDOWS, done: true } as Ticket, headers: {} };
      const windows = countedWindows(key);
      if (windows.length === 0) return { ok: true, ticket: { keyId: key.id, second: 0, counted: NO_WINDOWS, done: true } as Ticket, headers: {} };
      const now = clock.now();
      const outcome = await checkUnit(windows, tokens, now);
      windows.forEach((window, i) => {
        const buckets = outcome.buckets[i];
        if (buckets !== undefined) remember(window, buckets, now);
      });
      if (!outcome.admitted) return limited(outcome.window, outcome.limitType, outcome.limit, outcome.used, outcome.resetAt);
      const counted = windows.map((window) => ({ windowId: window.id, tokens: window.tpmLimit === null ? 0 : tokens }));
      const ticket: Ticket = { keyId: key.id, second: Math.floor(now / 1000), counted, done: false };
      // The headers describe the key's own limits (none when only its team has limits).
      return { ok: true, ticket, headers: windows[0] === key ? headersFor(key) : {} };
    },

    async acquireParallel(key) {
      const lease: Lease = { keyId: key.id, leaseId: randomUUID(), released: false };
      if (key.maxParallelRequests === null) {
        lease.released = true; // nothing held, nothing to release
        return { ok: true, lease };
      }
      const now = clock.now();
      const inFlight = await acquireUnit(key.id, key.maxParallelRequests, lease.leaseId, now, now + leaseMs);
      if (inFlight >= 0) return limited(key, 'parallel_requests', key.maxParallelRequests, inFlight, now + 1_000);
      held.add(lease);
      return { ok: true, lease };
    },

    async release(lease) {
      const l = lease as Lease;
      if (l.released) return;
      l.released = true;
      held.delete(l);
      try {
        await releaseUnit(l.keyId, l.leaseId);
      } catch (error) {
        log.warn({ keyId: l.keyId, err: String(error) }, 'Could not release a parallel-request slot; it frees itself when its lease runs out');
      }
    },

    async recordTokens(ticket, actualTokens) {
      const t = ticket as Ticket;
      if (t.done) return;
      t.done = true;
      const now = clock.now();
      const tokens = Math.max(0, Math.ceil(Number.isFinite(actualTokens) ? actualTokens : 0));
      await adjustUnit(t.counted, t.second, 0, Math.floor(now / 1000), tokens, now);
    },

    async cancel(ticket) {
      const t = ticket as Ticket;
      if (t.done) return;
      t.done = true;
      const now = clock.now();
      await adjustUnit(t.counted, t.second, 1, Math.floor(now / 1000), 0, now);
    },

    headers: headersFor,

    forget(keyId) {
      seen.delete(keyId);
    },

    async renewLeases() {
      await renewUnit(clock.now() + leaseMs);
    },

    close() {
      if (timer !== undefined) clearInterval(timer);
    },
  };
  return limiter;
}
