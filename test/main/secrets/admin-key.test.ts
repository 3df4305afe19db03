import { describe, expect, it } from 'vitest';
import { ADMIN_KEY_NAME, ensureAdminKey, generateAdminKey } from '../../../main/secrets/admin-key.js';
import { createMemorySecretStore } from '../../../main/secrets/memory-secret-store.js';
import { SecretStoreError, type SecretStore } from '../../../main/secrets/secret-store.js';

describe('admin-key', () => {
  it('uses the configured key and leaves the keychain alone', async () => {
    const store = createMemorySecretStore();
    expect(await ensureAdminKey(store, { configured: 'sk-configured' })).toEqual({ key: 'sk-configured', source: 'configured' });
    expect(store.calls).toEqual({ get: 0, set: 0, delete: 0, list: 0 });
  });

  it('generates a key on first run, keeps it in the keychain and returns the same one on the next run', async () => {
    const store = createMemorySecretStore();
    const first = await ensureAdminKey(store);
    expect(first.source).toBe('generated');
    expect(first.key).toMatch(/^sk-admin-[A-Za-z0-9_-]{43}$/);
    expect(await store.get(ADMIN_KEY_NAME)).toBe(first.key);
    const second = await ensureAdminKey(store, { configured: undefined });
    expect(second).toEqual({ key: first.key, source: 'keychain' });
  });

  it('generates different keys', () => {
    expect(generateAdminKey()).not.toBe(generateAdminKey());
  });

  it('fails when the keychain cannot store it, instead of running with a key nobody can find again', async () => {
    const locked: SecretStore = {
      ...createMemorySecretStore(),
      set: async () => {
        throw new SecretStoreError('locked', 'set', 'The keyring is locked');
      },
    };
    await expect(ensureAdminKey(locked)).rejects.toMatchObject({ kind: 'locked' });
  });

  it('fails when the keychain accepts the key but cannot give it back', async () => {
    const forgetful: SecretStore = { ...createMemorySecretStore(), set: async () => undefined };
    await expect(ensureAdminKey(forgetful, { generate: () => 'sk-admin-x' })).rejects.toThrow(/could not be read back/);
  });
});
