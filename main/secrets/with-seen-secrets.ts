// A SecretStore that tells `onSeen` every value read from it or written to it, so the keys the
// gateway holds in the keychain (added from the dashboard, read for a request or for a mask)
// can be masked in logged bodies. Otherwise behaves exactly like the store it wraps; never
// stores, logs or changes a value.
import type { SecretStore } from './secret-store.js';

export function withSeenSecrets(store: SecretStore, onSeen: (value: string) => void): SecretStore {
  return {
    kind: store.kind,
    location: store.location,
    async get(name) {
      const value = await store.get(name);
      if (value !== undefined) onSeen(value);
      return value;
    },
    async set(name, value) {
      await store.set(name, value);
      onSeen(value);
    },
    delete: (name) => store.delete(name),
    list: () => store.list(),
  };
}
