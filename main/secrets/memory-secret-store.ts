// An in-memory SecretStore for tests and for callers that must not touch the OS keychain.
// Values live in this process only and vanish with it; never written to disk or logged.
import { assertValidSecretName, type SecretStore } from './secret-store.js';

export interface MemorySecretStore extends SecretStore {
  /** How many calls reached the store, by operation (tests count keychain round trips). */
  readonly calls: { get: number; set: number; delete: number; list: number };
}

export function createMemorySecretStore(initial: Record<string, string> = {}): MemorySecretStore {
  const values = new Map<string, string>(Object.entries(initial));
  const calls = { get: 0, set: 0, delete: 0, list: 0 };
  return {
    kind: 'memory',
    location: 'memory (this process only)',
    calls,
    async get(name) {
      calls.get += 1;
      assertValidSecretName(name, 'get');
      return values.get(name);
    },
    async set(name, value) {
      calls.set += 1;
      assertValidSecretName(name, 'set');
      values.set(name, value);
    },
    async delete(name) {
      calls.delete += 1;
      assertValidSecretName(name, 'delete');
      return values.delete(name);
    },
    async list() {
      calls.list += 1;
      return [...values.keys()].sort();
    },
  };
}
