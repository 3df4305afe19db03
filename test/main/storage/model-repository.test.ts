import { afterEach, describe, expect, it } from 'vitest';
import { createModelRepository } from '../../../main/storage/model-repository.js';
import { openTempDatabase, type TempDatabase } from './storage-test-kit.js';

const dbs: TempDatabase[] = [];
afterEach(() => {
  for (const d of dbs.splice(0)) d.dispose();
});
function repo() {
  const db = openTempDatabase();
  dbs.push(db);
  return { db, models: createModelRepository(db.db, db.clock) };
}
const input = (id: string, modelName = 'fast') => ({ id, modelName, litellmParams: { model: 'ollama_chat/llama3.2' }, modelInfo: { input_cost_per_token: 0 } });

describe('createModelRepository', () => {
  it('stores a model and reads it back with its times', () => {
    const { db, models } = repo();
    const stored = models.insert(input('a'));
    expect(stored).toEqual({ ...input('a'), createdAt: db.clock.now(), updatedAt: db.clock.now() });
    expect(models.get('a')).toEqual(stored);
    expect(models.get('b')).toBeUndefined();
  });

  it('lists in insertion order', () => {
    const { db, models } = repo();
    models.insert(input('z'));
    db.clock.advance(1);
    models.insert(input('a'));
    models.insert(input('m'));
    expect(models.list().map((m) => m.id)).toEqual(['z', 'a', 'm']);
  });

  it('refuses a second model with the same id', () => {
    const { models } = repo();
    models.insert(input('a'));
    expect(() => models.insert(input('a'))).toThrow();
    expect(models.list()).toHaveLength(1);
  });

  it('replaces a model, moving updatedAt only', () => {
    const { db, models } = repo();
    const created = models.insert(input('a'));
    db.clock.advance(5_000);
    const replaced = models.replace({ ...input('a', 'renamed'), litellmParams: { model: 'openai/gpt-4o' } });
    expect(replaced).toMatchObject({ modelName: 'renamed', litellmParams: { model: 'openai/gpt-4o' }, createdAt: created.createdAt, updatedAt: created.createdAt + 5_000 });
    expect(models.replace(input('ghost'))).toBeUndefined();
  });

  it('deletes, saying whether anything was there', () => {
    const { models } = repo();
    models.insert(input('a'));
    expect(models.delete('a')).toBe(true);
    expect(models.delete('a')).toBe(false);
    expect(models.list()).toEqual([]);
  });

  it('reads a hand-edited non-object params column as empty rather than failing', () => {
    const { db, models } = repo();
    models.insert(input('a'));
    db.db.prepare("UPDATE models SET litellm_params = '[1]' WHERE id = 'a'").run();
    expect(models.get('a')?.litellmParams).toEqual({});
  });
});
