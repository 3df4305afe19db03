import { describe, expect, it } from 'vitest';
import { createMemorySecretStore } from '../../../main/secrets/memory-secret-store.js';
import { withSeenSecrets } from '../../../main/secrets/with-seen-secrets.js';

describe('with-seen-secrets', () => {
  it('hears every value read or written, and nothing for a missing name, a delete or a list', async () => {
    const seen: string[] = [];
    const inner = createMemorySecretStore({ stored: 'value-stored-before' });
    const store = withSeenSecrets(inner, (value) => seen.push(value));
    expect(store.kind).toBe(inner.kind);
    expect(await store.get('stored')).toBe('value-stored-before');
    expect(await store.get('missing')).toBeUndefined();
    await store.set('added', 'value-added-later');
    expect(await inner.get('added')).toBe('value-added-later');
    expect(await store.list()).toEqual(['added', 'stored']);
    expect(await store.delete('added')).toBe(true);
    expect(seen).toEqual(['value-stored-before', 'value-added-later']);
  });

  it('hears nothing when the store refuses the write', async () => {
    const seen: string[] = [];
    const store = withSeenSecrets(createMemorySecretStore(), (value) => seen.push(value));
    await expect(store.set('not a valid name!', 'value-refused')).rejects.toThrow();
    expect(seen).toEqual([]);
  });
});
