import { describe, expect, it } from 'vitest';
import { withSecretTimeout, type ScheduleTimeout } from '../../../main/secrets/with-secret-timeout.js';
import { createMemorySecretStore } from '../../../main/secrets/memory-secret-store.js';
import { SecretStoreError, type SecretStore } from '../../../main/secrets/secret-store.js';

/** A scheduler the test fires by hand: no wall clock. */
function manualSchedule() {
  const pending = new Map<number, { fire: () => void; ms: number }>();
  let next = 0;
  const schedule: ScheduleTimeout = (fire, ms) => {
    const id = next++;
    pending.set(id, { fire, ms });
    return () => pending.delete(id);
  };
  return {
    schedule,
    pending: () => [...pending.values()],
    fireAll() {
      const all = [...pending.values()];
      pending.clear();
      for (const timer of all) timer.fire();
    },
  };
}

/** A store whose calls hang until released, like keytar on a locked keyring with a display. */
function hangingStore() {
  const waiting: Array<{ resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];
  const hang = <T>() => new Promise<T>((resolve, reject) => waiting.push({ resolve: resolve as (v: unknown) => void, reject }));
  const store: SecretStore = {
    kind: 'keychain',
    location: 'hanging keychain',
    get: () => hang(),
    set: () => hang(),
    delete: () => hang(),
    list: () => hang(),
  };
  return { store, waiting };
}

describe('with-secret-timeout', () => {
  it('passes answers through and cancels the deadline', async () => {
    const timers = manualSchedule();
    const store = withSecretTimeout(createMemorySecretStore({ a: 'value-a' }), { timeoutMs: 5000, schedule: timers.schedule });
    expect(await store.get('a')).toBe('value-a');
    await store.set('b', 'value-b');
    expect(await store.list()).toEqual(['a', 'b']);
    expect(await store.delete('b')).toBe(true);
    expect(timers.pending()).toEqual([]);
  });

  it('passes errors through unchanged', async () => {
    const timers = manualSchedule();
    const store = withSecretTimeout(createMemorySecretStore(), { schedule: timers.schedule });
    await expect(store.set('bad name', 'x')).rejects.toMatchObject({ kind: 'invalid_name' });
    expect(timers.pending()).toEqual([]);
  });

  it('rejects a hanging call with a timeout error naming the deadline, the operation and a hint', async () => {
    const timers = manualSchedule();
    const { store: hanging } = hangingStore();
    const store = withSecretTimeout(hanging, { timeoutMs: 5000, schedule: timers.schedule, hint: 'Unlock the keyring.' });
    const call = store.set('openai', 'sk-secret-value-123456');
    expect(timers.pending().map((t) => t.ms)).toEqual([5000]);
    timers.fireAll();
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretStoreError);
    expect(error).toMatchObject({ kind: 'timeout', operation: 'set' });
    expect((error as Error).message).toBe('The OS keychain did not answer within 5 s (storing "openai"). Unlock the keyring.');
    expect((error as Error).message).not.toContain('sk-secret');
  });

  it('uses a 5 s deadline by default', async () => {
    const timers = manualSchedule();
    const store = withSecretTimeout(hangingStore().store, { schedule: timers.schedule });
    const call = store.get('x');
    expect(timers.pending().map((t) => t.ms)).toEqual([5000]);
    timers.fireAll();
    await expect(call).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('fails new calls at once while a timed-out call is still stuck, and recovers when it returns', async () => {
    const timers = manualSchedule();
    const { store: hanging, waiting } = hangingStore();
    const store = withSecretTimeout(hanging, { timeoutMs: 2500, schedule: timers.schedule });
    const first = store.get('a');
    timers.fireAll();
    await expect(first).rejects.toMatchObject({ kind: 'timeout' });

    // No second call reaches the hung keychain (each would pin another libuv pool thread).
    await expect(store.get('b')).rejects.toThrow(/earlier call has not returned after 2.5 s/);
    expect(waiting).toHaveLength(1);
    expect(timers.pending()).toEqual([]);

    // The stuck call returns late (the user unlocked the keyring): calls go through again.
    waiting[0]!.resolve('late');
    await Promise.resolve();
    const third = store.get('c');
    expect(waiting).toHaveLength(2);
    waiting[1]!.resolve('value-c');
    expect(await third).toBe('value-c');
  });

  it('counts a stuck call that finally fails as returned too', async () => {
    const timers = manualSchedule();
    const { store: hanging, waiting } = hangingStore();
    const store = withSecretTimeout(hanging, { schedule: timers.schedule });
    const first = store.list();
    timers.fireAll();
    await expect(first).rejects.toMatchObject({ kind: 'timeout' });
    waiting[0]!.reject(new Error('gave up'));
    await new Promise((resolve) => setImmediate(resolve));
    void store.list();
    expect(waiting).toHaveLength(2);
  });

  it('turns a store that throws synchronously into a rejection', async () => {
    const timers = manualSchedule();
    const throwing: SecretStore = { ...createMemorySecretStore(), get: () => { throw new Error('sync boom'); } };
    const store = withSecretTimeout(throwing, { schedule: timers.schedule });
    await expect(store.get('a')).rejects.toThrow('sync boom');
    expect(timers.pending()).toEqual([]);
  });
});
