import { describe, expect, it } from 'vitest';
import { createMemorySecretStore } from '../../../main/secrets/memory-secret-store.js';
import { SecretStoreError } from '../../../main/secrets/secret-store.js';

describe('memory-secret-store', () => {
  it('sets, replaces, reads, lists (names only, sorted) and deletes', async () => {
    const store = createMemorySecretStore({ zeta: 'z-value' });
    expect(await store.get('alpha')).toBeUndefined();
    await store.set('alpha', 'first');
    await store.set('alpha', 'second');
    expect(await store.get('alpha')).toBe('second');
    expect(await store.list()).toEqual(['alpha', 'zeta']);
    expect(await store.delete('alpha')).toBe(true);
    expect(await store.delete('alpha')).toBe(false);
    expect(await store.list()).toEqual(['zeta']);
    expect(store.kind).toBe('memory');
  });

  it('refuses names a keychain/NAME reference could not name', async () => {
    const store = createMemorySecretStore();
    await expect(store.set('bad name', 'v')).rejects.toMatchObject({ kind: 'invalid_name' });
    await expect(store.get('a/b')).rejects.toBeInstanceOf(SecretStoreError);
  });

  it('counts calls by operation', async () => {
    const store = createMemorySecretStore();
    await store.get('a');
    await store.set('a', 'b');
    await store.list();
    expect(store.calls).toEqual({ get: 1, set: 1, delete: 0, list: 1 });
  });
});
