// The model repository's behaviour, run once per engine from one definition: the same test
// against SQLite (synchronous) and PostgreSQL (Promise-returning).
import { describe, expect, it } from 'vitest';
import { createModelRepository } from '../../../main/storage/model-repository.js';
import { ENGINES, useStorageEngines } from './storage-engines-kit.js';

const engines = useStorageEngines();
const input = (id: string, modelName = 'fast') => ({ id, modelName, litellmParams: { model: 'ollama_chat/llama3.2' }, modelInfo: { input_cost_per_token: 0 } });

describe.each(ENGINES)('createModelRepository on %s', (engine) => {
  it('stores a model and reads it back with its times, from another connection too', async () => {
    const database = await engines.open(engine);
    const models = createModelRepository(database.connection, database.clock);
    const stored = await models.insert(input('a'));
    expect(stored).toEqual({ ...input('a'), createdAt: database.clock.now(), updatedAt: database.clock.now() });
    expect(await models.get('a')).toEqual(stored);
    expect(await models.get('b')).toBeUndefined();
    expect(await createModelRepository(await database.reconnect(), database.clock).list()).toEqual([stored]);
  });

  it('lists in insertion order, also among models added in the same millisecond and after a delete', async () => {
    const database = await engines.open(engine);
    const models = createModelRepository(database.connection, database.clock);
    await models.insert(input('z'));
    database.clock.advance(1);
    await models.insert(input('a'));
    await models.insert(input('m'));
    await models.delete('m');
    await models.insert(input('b'));
    await models.insert(input('m'));
    expect((await models.list()).map((m) => m.id)).toEqual(['z', 'a', 'b', 'm']);
  });

  it('refuses a second model with the same id and keeps the first', async () => {
    const database = await engines.open(engine);
    const models = createModelRepository(database.connection, database.clock);
    await models.insert(input('a'));
    await expect((async () => models.insert(input('a', 'other')))()).rejects.toThrow();
    expect((await models.list()).map((m) => m.modelName)).toEqual(['fast']);
  });

  it('replaces a model, moving updatedAt only', async () => {
    const database = await engines.open(engine);
    const models = createModelRepository(database.connection, database.clock);
    const created = await models.insert(input('a'));
    database.clock.advance(5_000);
    const replaced = await models.replace({ ...input('a', 'renamed'), litellmParams: { model: 'openai/gpt-4o' } });
    expect(replaced).toMatchObject({ modelName: 'renamed', litellmParams: { model: 'openai/gpt-4o' }, createdAt: created.createdAt, updatedAt: created.createdAt + 5_000 });
    expect(await models.replace(input('ghost'))).toBeUndefined();
  });

  it('deletes, saying whether anything was there', async () => {
    const database = await engines.open(engine);
    const models = createModelRepository(database.connection, database.clock);
    await models.insert(input('a'));
    expect(await models.delete('a')).toBe(true);
    expect(await models.delete('a')).toBe(false);
    expect(await models.list()).toEqual([]);
  });
});
