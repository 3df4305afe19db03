// The response store's behaviour, run once per engine from one definition: the same test against
// SQLite (synchronous) and PostgreSQL (Promise-returning), each migrated by its real runner.
import { describe, expect, it } from 'vitest';
import { createResponseStore, type ResponseStoreOptions, type ResponseToStore } from '../../../main/storage/response-store.js';
import { ENGINES, useStorageEngines, type EngineName } from './storage-engines-kit.js';

const engines = useStorageEngines();
const DAY = 86_400_000;

const user = (text: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const assistant = (text: string) => ({ type: 'message', role: 'assistant', id: `msg_${text}`, content: [{ type: 'output_text', text }] });

function response(id: string, fields: Partial<ResponseToStore> = {}): ResponseToStore {
  return {
    id, owner: 'key_a', model: 'qwen3', previousResponseId: null, instructions: null, input: [user(`q-${id}`)],
    response: { id, object: 'response', status: 'completed', output: [assistant(`a-${id}`)] },
    ...fields,
  };
}

async function open(engine: EngineName, options: Partial<ResponseStoreOptions> = {}) {
  const database = await engines.open(engine);
  return { database, store: createResponseStore(database.connection, { clock: database.clock, ...options }) };
}

describe.each(ENGINES)('createResponseStore on %s', (engine) => {
  it('saves, reads and deletes by owner only (the admin key\'s null owner included), and never overwrites an id', async () => {
    const { database, store } = await open(engine);
    expect(await store.save(response('resp_a'))).toBe('stored');
    expect(await store.save(response('resp_admin', { owner: null }))).toBe('stored');
    expect(await store.save(response('resp_a', { owner: 'key_b' }))).toBe('duplicate');
    expect(JSON.parse((await store.get('resp_a', 'key_a'))!)).toEqual(response('resp_a').response);
    expect(await store.get('resp_a', 'key_b')).toBeUndefined();
    expect(await store.get('resp_a', null)).toBeUndefined();
    expect(await store.get('resp_admin', null)).toBeDefined();
    expect(await store.get('resp_admin', 'key_a')).toBeUndefined();
    expect(await store.delete('resp_a', 'key_b')).toBe(false);
    expect(await store.delete('resp_admin', 'key_a')).toBe(false);

    const other = createResponseStore(await database.reconnect(), { clock: database.clock });
    expect(await other.delete('resp_a', 'key_a')).toBe(true);
    expect(await store.get('resp_a', 'key_a')).toBeUndefined();
    expect(await store.delete('resp_admin', null)).toBe(true);
    expect(await store.totalBytes()).toBe(0);
  });

  it('returns a conversation oldest first, keeps the newest past the depth bound, stops at loops and other owners', async () => {
    const { store } = await open(engine, { maxChainDepth: 3 });
    for (let i = 1; i <= 5; i++) await store.save(response(`resp_${i}`, { previousResponseId: i === 1 ? null : `resp_${i - 1}` }));
    expect(await store.chain('resp_2', 'key_a')).toEqual({ items: [user('q-resp_1'), assistant('a-resp_1'), user('q-resp_2'), assistant('a-resp_2')], responses: 2, truncated: false });
    const long = (await store.chain('resp_5', 'key_a'))!;
    expect(long).toMatchObject({ responses: 3, truncated: true });
    expect(long.items[0]).toEqual(user('q-resp_3'));
    expect(long.items.at(-1)).toEqual(assistant('a-resp_5'));
    await store.save(response('resp_x', { previousResponseId: 'resp_y' }));
    await store.save(response('resp_y', { previousResponseId: 'resp_x' }));
    expect(await store.chain('resp_x', 'key_a')).toMatchObject({ responses: 2, truncated: true });
    expect(await store.chain('resp_5', 'key_b')).toBeUndefined();
    expect(await store.chain('resp_unknown', 'key_a')).toBeUndefined();
  });

  it('does not store one response over the per-response cap, counting bytes not characters', async () => {
    const { store } = await open(engine, { maxResponseBytes: 4_096 });
    await store.save(response('resp_small'));
    const held = await store.totalBytes();
    expect(await store.save(response('resp_big', { instructions: '€'.repeat(1_500) }))).toBe('too_large');
    expect(await store.get('resp_big', 'key_a')).toBeUndefined();
    expect(await store.totalBytes()).toBe(held);
  });

  it('drops the oldest responses past the total cap, in insertion order within one millisecond', async () => {
    const probe = await open(engine);
    await probe.store.save(response('resp_probe'));
    const one = await probe.store.totalBytes();
    // The clock never moves: only the position column (migration 11) says which is oldest.
    const { store } = await open(engine, { maxStoredBytes: one * 3 });
    for (const id of ['resp_e', 'resp_d', 'resp_c', 'resp_b', 'resp_a']) await store.save(response(id));
    expect(await store.totalBytes()).toBeLessThanOrEqual(one * 3);
    const kept = [];
    for (const id of ['resp_e', 'resp_d', 'resp_c', 'resp_b', 'resp_a']) kept.push((await store.get(id, 'key_a')) !== undefined);
    expect(kept).toEqual([false, false, true, true, true]);
  });

  it('prunes responses stored before the cutoff, in batches, and the total follows', async () => {
    const { database, store } = await open(engine, { pruneBatch: 2 });
    for (let i = 1; i <= 5; i++) await store.save(response(`resp_old_${i}`));
    database.clock.advance(2 * DAY);
    await store.save(response('resp_new'));
    const before = await store.totalBytes();
    expect(await store.prune(database.clock.now() - DAY)).toBe(5);
    expect(await store.get('resp_old_5', 'key_a')).toBeUndefined();
    expect(await store.get('resp_new', 'key_a')).toBeDefined();
    expect(await store.totalBytes()).toBeLessThan(before);
    expect(await store.prune(database.clock.now() - DAY)).toBe(0);
  });
});
