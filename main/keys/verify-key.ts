// Key verification for every inference request: SHA-256 of the presented key, looked up on the
// indexed key_hash column, cached by the FULL hash. Never caches or compares by a prefix
// (LiteLLM CVE-2026-35030 keyed its cache on token[:20]) and never logs what was presented.
import type { Clock } from '../storage/clock.js';
import type { KeyRepository, VirtualKeyRecord } from './key-repository.js';
import { hashKey } from './virtual-keys.js';

export type KeyRejection = 'unknown' | 'expired' | 'blocked';

export type KeyVerification =
  | { ok: true; key: VirtualKeyRecord }
  /** keyId and keyAlias are null for 'unknown'; all three answer 401 with the same body shape. */
  | { ok: false; reason: KeyRejection; keyId: string | null; keyAlias: string | null };

export interface KeyVerifier {
  verify(presented: string): KeyVerification;
  clearCache(): void;
  /** Entries currently cached (for tests and diagnostics). */
  cacheSize(): number;
  /** Stops listening to the repository. */
  dispose(): void;
}

export interface KeyVerifierOptions {
  /** Safety net for changes made by another process (the repository's events cover our own). */
  cacheTtlMs?: number;
  maxCacheEntries?: number;
}

/** Longer than any key we issue (46 chars) with room for imported ones; longer is never hashed. */
export const MAX_PRESENTED_KEY_LENGTH = 512;

export function createKeyVerifier(repo: KeyRepository, clock: Clock, options: KeyVerifierOptions = {}): KeyVerifier {
  const ttlMs = options.cacheTtlMs ?? 60_000;
  const maxEntries = options.maxCacheEntries ?? 10_000;
  // Insertion-ordered Map as an LRU: a hit is re-inserted at the end, eviction takes the first.
  const byHash = new Map<string, { record: VirtualKeyRecord; cachedAt: number }>();
  const hashById = new Map<string, string>();

  function forget(keyId: string): void {
    const hash = hashById.get(keyId);
    if (hash !== undefined) byHash.delete(hash);
    hashById.delete(keyId);
  }

  const unsubscribe = repo.onChange((change) => forget(change.keyId));

  function lookup(hash: string): VirtualKeyRecord | null {
    const now = clock.now();
    const cached = byHash.get(hash);
    if (cached !== undefined && now - cached.cachedAt < ttlMs) {
      byHash.delete(hash);
      byHash.set(hash, cached);
      return cached.record;
    }
    if (cached !== undefined) forget(cached.record.id);
    const record = repo.findByHash(hash);
    // Misses are not cached: random garbage keys must not be able to fill memory.
    if (record === null) return null;
    forget(record.id);
    byHash.set(hash, { record, cachedAt: now });
    hashById.set(record.id, hash);
    if (byHash.size > maxEntries) {
      const oldest = byHash.entries().next().value;
      if (oldest !== undefined) forget(oldest[1].record.id);
    }
    return record;
  }

  return {
    verify(presented) {
      if (typeof presented !== 'string' || presented.length === 0 || presented.length > MAX_PRESENTED_KEY_LENGTH) {
        return { ok: false, reason: 'unknown', keyId: null, keyAlias: null };
      }
      const record = lookup(hashKey(presented));
      if (record === null) return { ok: false, reason: 'unknown', keyId: null, keyAlias: null };
      if (record.blocked) return { ok: false, reason: 'blocked', keyId: record.id, keyAlias: record.keyAlias };
      if (record.expiresAt !== null && record.expiresAt <= clock.now()) return { ok: false, reason: 'expired', keyId: record.id, keyAlias: record.keyAlias };
      return { ok: true, key: record };
    },
    clearCache() {
      byHash.clear();
      hashById.clear();
    },
    cacheSize() {
      return byHash.size;
    },
    dispose() {
      unsubscribe();
      byHash.clear();
      hashById.clear();
    },
  };
}
