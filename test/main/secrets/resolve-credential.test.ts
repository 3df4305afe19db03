import { describe, expect, it } from 'vitest';
import { createCredentialResolver } from '../../../main/secrets/resolve-credential.js';
import { createMemorySecretStore } from '../../../main/secrets/memory-secret-store.js';
import { SecretStoreError, type SecretStore } from '../../../main/secrets/secret-store.js';
import { GatewayError } from '../../../main/core/gateway-error.js';

const failing = (error: unknown): SecretStore => ({
  ...createMemorySecretStore(),
  get: async () => {
    throw error;
  },
});

async function errorOf(value: unknown): Promise<GatewayError> {
  const error = await Promise.resolve(value).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('resolve-credential', () => {
  it('resolves none, literal and env references', () => {
    const resolve = createCredentialResolver({ OPENAI_KEY: 'from-env' });
    expect(resolve({ kind: 'none' })).toBeUndefined();
    expect(resolve({ kind: 'literal', value: 'lit' })).toBe('lit');
    expect(resolve({ kind: 'env', name: 'OPENAI_KEY' })).toBe('from-env');
  });

  it('reads keychain references through the store at call time', async () => {
    const store = createMemorySecretStore({ openai: 'sk-from-keychain' });
    const resolve = createCredentialResolver({}, store);
    expect(await resolve({ kind: 'keychain', name: 'openai' })).toBe('sk-from-keychain');
    await store.set('openai', 'sk-rotated');
    expect(await resolve({ kind: 'keychain', name: 'openai' })).toBe('sk-rotated');
  });

  it('tells onResolved every value it hands out, literal, env and keychain, and nothing for a missing one', async () => {
    const heard: string[] = [];
    const store = createMemorySecretStore();
    const resolve = createCredentialResolver({ OPENAI_KEY: 'from-env' }, store, (value) => heard.push(value));
    resolve({ kind: 'none' });
    resolve({ kind: 'literal', value: 'lit' });
    resolve({ kind: 'env', name: 'OPENAI_KEY' });
    resolve({ kind: 'env', name: 'UNSET' });
    await store.set('openai', 'added-later');
    expect(await resolve({ kind: 'keychain', name: 'openai' })).toBe('added-later');
    expect(heard).toEqual(['lit', 'from-env', 'added-later']);
  });

  it('fails a missing keychain key with a 503 that says how to add it, never an unauthenticated call', async () => {
    const resolve = createCredentialResolver({}, createMemorySecretStore());
    const error = await errorOf(resolve({ kind: 'keychain', name: 'openai' }));
    expect(error.status).toBe(503);
    expect(error.code).toBe('service_unavailable');
    expect(error.message).toMatch(/"openai" is not in the OS keychain.*POST \/credentials.*switchboard keys import/);
  });

  it('fails with a 503 when the gateway has no keychain at all', async () => {
    const error = await errorOf(createCredentialResolver({})({ kind: 'keychain', name: 'openai' }));
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/lives in the OS keychain, which is not available/);
  });

  it('passes on what the keychain says to install or unlock', async () => {
    const store = failing(new SecretStoreError('unavailable', 'get', 'No Secret Service is running: install GNOME Keyring'));
    const error = await errorOf(createCredentialResolver({}, store)({ kind: 'keychain', name: 'openai' }));
    expect(error.status).toBe(503);
    expect(error.message).toBe('Cannot read the key "openai" from the OS keychain: No Secret Service is running: install GNOME Keyring');
  });

  it('does not repeat the message of an unexpected error (it could hold anything)', async () => {
    const store = failing(new Error('internal detail sk-leaky-1234567890'));
    const error = await errorOf(createCredentialResolver({}, store)({ kind: 'keychain', name: 'openai' }));
    expect(error.message).not.toContain('sk-leaky');
    expect(error.status).toBe(503);
  });
});
