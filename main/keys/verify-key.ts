// Key verification for every inference request: SHA-256 of the presented key, looked up on the
// indexed key_hash column, cached by the FULL hash. Never caches or compares by a prefix
// (LiteLLM CVE-2026-35030 keyed its cache on token[:20]) and never logs what was presented.
// On SQLite a miss is answered synchronously; on PostgreSQL it is one awaited query (concurrent
// misses for one hash share it), and a hit stays synchronous on both. The cached row carries the
// key's team and user limits, so a change to a team or user forgets the keys they own.
import type { Clock } from '../storage/clock.js';
import type { AdmissionKeyRecord, KeyStore } from './key-repository.js';
import { whenSettled, type MaybePromise } from '../core/run-maybe-async.js';
import { hashKey } from './virtual-keys.js';

/** 'team_blocked': the key is fine but its team is blocked (/team/block). */
export type KeyRejection = 'unknown' | 'expired' | 'blocked' | 'team_blocked';

export type KeyVerification =
  | { ok: true; key: AdmissionKeyRecord }
  /** keyId and keyAlias are null for 'unknown'; teamId is set for 'team_blocked' only; all answer 401 with the same body shape. */
  | { ok: false; reason: KeyRejection; keyId: string | null; keyAlias: string | null; teamId?: string };

export interface KeyVerifier {
  /** A Promise only for a cache miss on PostgreSQL. */
  verify(presented: string): MaybePromise<KeyVerification>;
  clearCache(): void;
  /** Drops one key from the cache (a change made by another replica, from the change feed). */
  forget(keyId: string): void;
  /** Entries currently cached (for tests and diagnostics). */
  cacheSize(): number;
  /** Stops listening to the repository. */
  dispose(): void;
}

/** Where changes to teams and users are heard (their repositories), so the keys they own are re-read. */
export interface KeyOwnerChanges {
  teams?: { onChange(listener: (change: { teamId: string }) => void): () => void };
  users?: { onChange(listener: (change: { userId: string }) => void): () => void };
}

export interface KeyVerifierOptions {
  /** A team blocked or limited, a user's models changed: the cached keys they own are forgotten. */
  owners?: KeyOwnerChanges;
  /** Safety net for changes made by another process (the repository's events cover our own). */
  cacheTtlMs?: number;
  maxCacheEntries?: number;
}

/** Longer than any key we issue (46 chars) with room for imported ones; longer is never hashed. */
export const MAX_PRESENTED_KEY_LENGTH = 512;

export function createKeyVerifier(repo: Pick<KeyStore<'sync'>, 'findByHash' | 'onChange'> | Pick<KeyStore<'async'>, 'findByHash' | 'onChange'>, clock: Clock, options: KeyVerifierOptions = {}): KeyVerifier {
  const ttlMs = options.cacheTtlMs ?? 60_000;
  const maxEntries = options.maxCacheEntries ?? 10_000;
  // Insertion-ordered Map as an LRU: a hit is re-inserted at the end, eviction takes the first.
  const byHash = new Map<string, { record: AdmissionKeyRecord; cachedAt: number }>();
  const hashById = new Map<string, string>();
  // PostgreSQL only: lookups in flight, by hash, so a burst on a cold key costs one query.
  const pending = new Map<string, Promise<AdmissionKeyRecord | null>>();
  // Bumped by every invalidation: a lookup that started before one (a key blocked while its row
  // was being read) must not put the stale row into the cache.
  let generation = 0;

  function drop(keyId: string): void {
    const hash = hashById.get(keyId);
    if (hash !== undefined) byHash.delete(hash);
    hashById.delete(keyId);
  }

  function forget(keyId: string): void {
    generation += 1;
    // A request arriving after the change must not join a read that started before it.
    pending.clear();
    drop(keyId);
  }

  /** Forgets every cached key the team (or user) owns: their rows carry what it limits. */
  function forgetOwned(owner: 'teamId' | 'userId', id: string): void {
    generation += 1;
    pending.clear();
    for (const { record } of [...byHash.values()]) if (record[owner] === id) drop(record.id);
  }

  const unsubscribers = [
    repo.onChange((change) => forget(change.keyId)),
    options.owners?.teams?.onChange((change) => forgetOwned('teamId', change.teamId)),
    options.owners?.users?.onChange((change) => forgetOwned('userId', change.userId)),
  ];

  function lookup(hash: string): MaybePromise<AdmissionKeyRecord | null> {
    const now = clock.now();
    const cached = byHash.get(hash);
    if (cached !== undefined && now - cached.cachedAt < ttlMs) {
      byHash.delete(hash);
      byHash.set(hash, cached);
      return cached.record;
    }
    if (cached !== undefined) drop(cached.record.id);
    const inFlight = pending.get(hash);
    if (inFlight !== undefined) return inFlight;
    const found = repo.findByHash(hash);
    if (!(found instanceof Promise)) return remember(hash, found, now, generation);
    const startedAt = generation;
    const settled: Promise<AdmissionKeyRecord | null> = found.then((record) => remember(hash, record, now, startedAt)).finally(() => {
      if (pending.get(hash) === settled) pending.delete(hash);
    });
    pending.set(hash, settled);
    return settled;
  }

  function remember(hash: string, record: AdmissionKeyRecord | null, now: number, startedAt: number): AdmissionKeyRecord | null {
    // Misses are not cached: random garbage keys must not be able to fill memory.
    if (record === null) return null;
    // Invalidated while the row was read: answer with it (it was true when read) but keep it out of the cache.
    if (startedAt !== generation) return record;
    drop(record.id);
    byHash.set(hash, { record, cachedAt: now });
    hashById.set(record.id, hash);
    if (byHash.size > maxEntries) {
      const oldest = byHash.entries().next().value;
      if (oldest !== undefined) drop(oldest[1].record.id);
    }
    return record;
  }

  function judge(record: AdmissionKeyRecord | null): KeyVerification {
    if (record === null) return { ok: false, reason: 'unknown', keyId: null, keyAlias: null };
    if (record.blocked) return { ok: false, reason: 'blocked', keyId: record.id, keyAlias: record.keyAlias };
    if (record.expiresAt !== null && record.expiresAt <= clock.now()) return { ok: false, reason: 'expired', keyId: record.id, keyAlias: record.keyAlias };
    // LiteLLM's common_checks: every key of a blocked team is refused (after the key's own checks,
    // so a blocked or expired key is still told that first).
    if (record.team?.blocked === true) return { ok: false, reason: 'team_blocked', keyId: record.id, keyAlias: record.keyAlias, teamId: record.team.id };
    return { ok: true, key: record };
  }

  return {
    verify(presented) {
      if (typeof presented !== 'string' || presented.length === 0 || presented.length > MAX_PRESENTED_KEY_LENGTH) {
        return { ok: false, reason: 'unknown', keyId: null, keyAlias: null };
      }
      return whenSettled(lookup(hashKey(presented)), judge);
    },
    forget,
    clearCache() {
      generation += 1;
      pending.clear();
      byHash.clear();
      hashById.clear();
    },
    cacheSize() {
      return byHash.size;
    },
    dispose() {
      for (const unsubscribe of unsubscribers) unsubscribe?.();
      byHash.clear();
      hashById.clear();
    },
  };
}
