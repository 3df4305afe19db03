// A short-lived in-process cache in front of a SecretStore, for the request path: one keychain
// round trip costs about 1 ms of a libuv pool thread, and concurrent reads of one name share a
// single call. Writes and deletes through this store take effect at once; a change made outside
// Switchboard (Keychain Access, secret-tool) is seen after `ttlMs`. Misses and errors are never cached.
import type { SecretStore } from './secret-store.js';

export interface SecretCacheOptions {
  ttlMs?: number;
  now?: () => number;
}

export const DEFAULT_SECRET_CACHE_TTL_MS = 60_000;

export function withSecretCache(store: SecretStore, options: SecretCacheOptions = {}): SecretStore {
  const ttlMs = options.ttlMs ?? DEFAULT_SECRET_CACHE_TTL_MS;
  const now = options.now ?? Date.now;
  const cached = new Map<string, { value: string; until: number }>();
  const inFlight = new Map<string, Promise<string | undefined>>();
  // Bumped by every write or delete of a name, so a read that started before it cannot put the
  // old value back into the cache when it finishes.
  const generation = new Map<string, number>();
  const bump = (name: string) => {
    generation.set(name, (generation.get(name) ?? 0) + 1);
    cached.delete(name);
    inFlight.delete(name);
  };

  return {
    kind: store.kind,
    location: store.location,
    get(name) {
      const hit = cached.get(name);
      if (hit && hit.until > now()) return Promise.resolve(hit.value);
      const running = inFlight.get(name);
      if (running) return running;
      const startedAt = generation.get(name) ?? 0;
      const read = store.get(name).then(
        (value) => {
          if ((generation.get(name) ?? 0) === startedAt) {
            inFlight.delete(name);
            if (value === undefined) cached.delete(name);
            else cached.set(name, { value, until: now() + ttlMs });
          }
          return value;
        },
        (error: unknown) => {
          if ((generation.get(name) ?? 0) === startedAt) inFlight.delete(name);
          throw error;
        },
      );
      inFlight.set(name, read);
      return read;
    },
    async set(name, value) {
      bump(name);
      await store.set(name, value);
      bump(name);
      cached.set(name, { value, until: now() + ttlMs });
    },
    async delete(name) {
      bump(name);
      try {
        return await store.delete(name);
      } finally {
        bump(name);
      }
    },
    list: () => store.list(),
  };
}
