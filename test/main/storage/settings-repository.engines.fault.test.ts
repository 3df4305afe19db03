// The settings repository's behaviour, run once per engine from one definition: the same test
// against SQLite (synchronous) and PostgreSQL (Promise-returning).
import { describe, expect, it } from 'vitest';
import { createSettingsRepository } from '../../../main/storage/settings-repository.js';
import { ENGINES, useStorageEngines } from './storage-engines-kit.js';

const engines = useStorageEngines();

describe.each(ENGINES)('createSettingsRepository on %s', (engine) => {
  it('stores JSON values by name, overwrites, deletes once, and another connection sees them', async () => {
    const database = await engines.open(engine);
    const settings = createSettingsRepository(database.connection);
    expect(await settings.get('usage.retention_days')).toBeUndefined();
    await settings.set('usage.retention_days', 45);
    await settings.set('ui', { theme: 'dark', pinned: ['gpt-4o'] });
    await settings.set('usage.retention_days', 60);
    expect(await settings.get('usage.retention_days')).toBe(60);

    const other = createSettingsRepository(await database.reconnect());
    expect(await other.get('ui')).toEqual({ theme: 'dark', pinned: ['gpt-4o'] });
    expect(await other.delete('ui')).toBe(true);
    expect(await settings.delete('ui')).toBe(false);
    expect(await settings.get('ui')).toBeUndefined();
    expect(await settings.get('usage.retention_days')).toBe(60);
  });

  it('keeps strings, nulls, arrays and unicode exactly', async () => {
    const settings = createSettingsRepository((await engines.open(engine)).connection);
    const values: [string, unknown][] = [['s', 'it\'s "quoted" ? $1'], ['n', null], ['a', [1, 'two', { three: 3 }]], ['u', 'naïve — 日本語 🚀'], ['big', 2 ** 53 - 1]];
    for (const [key, value] of values) await settings.set(key, value);
    for (const [key, value] of values) expect(await settings.get(key)).toEqual(value);
  });

  it('refuses a value that is not JSON and writes nothing', async () => {
    const settings = createSettingsRepository((await engines.open(engine)).connection);
    await expect((async () => settings.set('x', undefined))()).rejects.toThrow(/JSON/);
    await expect((async () => settings.set('x', () => 1))()).rejects.toThrow(/JSON/);
    expect(await settings.get('x')).toBeUndefined();
  });
});
