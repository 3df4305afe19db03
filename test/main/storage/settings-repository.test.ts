import { afterEach, describe, expect, it } from 'vitest';
import { createSettingsRepository } from '../../../main/storage/settings-repository.js';
import { openTempDatabase, type TempDatabase } from './storage-test-kit.js';

let opened: TempDatabase | null = null;
afterEach(() => {
  opened?.dispose();
  opened = null;
});

describe('createSettingsRepository', () => {
  it('stores JSON values by name and survives a reopen', () => {
    opened = openTempDatabase();
    const settings = createSettingsRepository(opened.db);
    expect(settings.get('usage.retention_days')).toBeUndefined();
    settings.set('usage.retention_days', 45);
    settings.set('ui', { theme: 'dark', pinned: ['gpt-4o'] });
    settings.set('usage.retention_days', 60);
    expect(settings.get('usage.retention_days')).toBe(60);
    expect(settings.get('ui')).toEqual({ theme: 'dark', pinned: ['gpt-4o'] });
    expect(settings.delete('ui')).toBe(true);
    expect(settings.delete('ui')).toBe(false);
    expect(settings.get('ui')).toBeUndefined();
  });

  it('refuses a value that is not JSON', () => {
    opened = openTempDatabase();
    const settings = createSettingsRepository(opened.db);
    expect(() => settings.set('x', undefined)).toThrow(/JSON/);
    expect(() => settings.set('x', () => 1)).toThrow(/JSON/);
  });
});
