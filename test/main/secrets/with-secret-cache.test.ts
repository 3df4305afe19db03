import { describe, expect, it } from 'vitest';
import { withSecretCache } from '../../../main/secrets/with-secret-cache.js';
import { createMemorySecretStore } from '../../../main/secrets/memory-secret-store.js';
import { SecretStoreError, type SecretStore } from '../../../main/secrets/secret-store.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('with-secret-cache', () => {
  it('answers repeated reads from memory until the TTL passes', async () => {
    const inner = createMemorySecretStore({ openai: 'v1' });
    const time = clock();
    const store = withSecretCache(inner, { ttlMs: 60_000, now: time.now });
    expect(await store.get('openai')).toBe('v1');
    expect(await store.get('openai')).toBe('v1');
    expect(inner.calls.get).toBe(1);
    time.advance(59_999);
    await store.get('openai');
    expect(inner.calls.get).toBe(1);
    time.advance(1);
    await store.get('openai');
    expect(inner.calls.get).toBe(2);
  });

  it('sees a change made outside Switchboard once the TTL passes', async () => {
    const inner = createMemorySecretStore({ openai: 'old' });
    const time = clock();
    const store = withSecretCache(inner, { ttlMs: 1000, now: time.now });
    expect(await store.get('openai')).toBe('old');
    await inner.set('openai', 'rotated');
    expect(await store.get('openai')).toBe('old');
    time.advance(1000);
    expect(await store.get('openai')).toBe('rotated');
  });

  it('shares one keychain call between concurrent reads of one name', async () => {
    const inner = createMemorySecretStore({ openai: 'v' });
    const store = withSecretCache(inner, { now: clock().now });
    const values = await Promise.all(Array.from({ length: 20 }, () => store.get('openai')));
    expect(values).toEqual(Array(20).fill('v'));
    expect(inner.calls.get).toBe(1);
  });

  it('never caches a miss or an error', async () => {
    const inner = createMemorySecretStore();
    let failNext = true;
    const flaky: SecretStore = {
      ...inner,
      get: async (name) => {
        if (failNext) {
          failNext = false;
          throw new SecretStoreError('locked', 'get', 'locked');
        }
        return inner.get(name);
      },
    };
    const store = withSecretCache(flaky, { now: clock().now });
    await expect(store.get('openai')).rejects.toMatchObject({ kind: 'locked' });
    expect(await store.get('openai')).toBeUndefined();
    await inner.set('openai', 'added-later');
    expect(await store.get('openai')).toBe('added-later');
  });

  it('applies writes and deletes through it at once', async () => {
    const inner = createMemorySecretStore({ openai: 'old' });
    const store = withSecretCache(inner, { now: clock().now });
    expect(await store.get('openai')).toBe('old');
    await store.set('openai', 'new');
    expect(await store.get('openai')).toBe('new');
    expect(await store.delete('openai')).toBe(true);
    expect(await store.get('openai')).toBeUndefined();
  });

  it('does not let a read that started before a write put the old value back', async () => {
    const inner = createMemorySecretStore({ openai: 'old' });
    let release: (() => void) | undefined;
    const slow: SecretStore = {
      ...inner,
      get: async (name) => {
        const value = await inner.get(name);
        await new Promise<void>((resolve) => (release = resolve));
        return value;
      },
    };
    const store = withSecretCache(slow, { now: clock().now });
    const staleRead = store.get('openai');
    await store.set('openai', 'new');
    release!();
    expect(await staleRead).toBe('old');
    expect(await store.get('openai')).toBe('new');
  });

  it('does not cache a value whose write failed', async () => {
    const inner = createMemorySecretStore({ openai: 'old' });
    const failing: SecretStore = { ...inner, set: async () => { throw new SecretStoreError('locked', 'set', 'locked'); } };
    const store = withSecretCache(failing, { now: clock().now });
    await expect(store.set('openai', 'new')).rejects.toMatchObject({ kind: 'locked' });
    expect(await store.get('openai')).toBe('old');
  });
});
