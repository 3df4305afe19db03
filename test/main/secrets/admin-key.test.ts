import { describe, expect, it } from 'vitest';
import { ADMIN_KEY_NAME, ensureAdminKey, generateAdminKey, MIN_ADMIN_KEY_LENGTH, resolveAdminKey } from '../../../main/secrets/admin-key.js';
import { ConfigError } from '../../../main/core/config-error.js';
import type { CredentialRef } from '../../../main/core/deployment.js';
import { createCredentialResolver } from '../../../main/secrets/resolve-credential.js';
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

  describe('resolveAdminKey: the environment first, then general_settings.master_key, never shorter than 16 characters', () => {
    const keychain = createMemorySecretStore();
    const resolve = createCredentialResolver({}, keychain);
    const none: CredentialRef = { kind: 'none' };

    async function refusal(promise: Promise<unknown>): Promise<ConfigError> {
      const error = await promise.then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }

    it('documents 16 as the minimum', () => {
      expect(MIN_ADMIN_KEY_LENGTH).toBe(16);
    });

    it('returns the environment key over the config one, and undefined when neither sets one', async () => {
      const env = { SWITCHBOARD_MASTER_KEY: 'env-admin-key-0123456789', LITELLM_MASTER_KEY: 'litellm-admin-key-0123456789' };
      expect(await resolveAdminKey({ env, ref: { kind: 'literal', value: 'config-admin-key-0123456789' }, file: 'c.yaml', resolve })).toBe(env.SWITCHBOARD_MASTER_KEY);
      expect(await resolveAdminKey({ env: { LITELLM_MASTER_KEY: env.LITELLM_MASTER_KEY }, ref: none, file: 'c.yaml', resolve })).toBe(env.LITELLM_MASTER_KEY);
      expect(await resolveAdminKey({ env: {}, ref: { kind: 'literal', value: 'config-admin-key-0123456789' }, file: 'c.yaml', resolve })).toBe('config-admin-key-0123456789');
      expect(await resolveAdminKey({ env: { SWITCHBOARD_MASTER_KEY: '' }, ref: none, file: 'c.yaml', resolve })).toBeUndefined();
    });

    it.each(['SWITCHBOARD_MASTER_KEY', 'LITELLM_MASTER_KEY'])('refuses a short %s, naming the variable and never the key', async (name) => {
      const error = await refusal(resolveAdminKey({ env: { [name]: 'sk-1234' }, ref: none, file: 'c.yaml', resolve }));
      expect(error.message).toContain(name);
      expect(error.message).toContain('16 characters');
      expect(error.message).not.toContain('sk-1234');
    });

    it('refuses a short key kept in the keychain, naming the config key and the reference', async () => {
      await keychain.set('short-admin', 'abc123456789');
      const error = await refusal(resolveAdminKey({ env: {}, ref: { kind: 'keychain', name: 'short-admin' }, file: 'c.yaml', resolve }));
      expect(error.file).toBe('c.yaml');
      expect(error.message).toContain('general_settings.master_key (keychain/short-admin)');
      expect(error.message).not.toContain('abc123456789');
    });

    it('accepts exactly 16 characters, and every key the desktop app generates', async () => {
      expect(await resolveAdminKey({ env: { SWITCHBOARD_MASTER_KEY: 'x'.repeat(16) }, ref: none, file: 'c.yaml', resolve })).toBe('x'.repeat(16));
      const generated = generateAdminKey();
      expect(await resolveAdminKey({ env: { SWITCHBOARD_MASTER_KEY: generated }, ref: none, file: 'c.yaml', resolve })).toBe(generated);
    });
  });
});
