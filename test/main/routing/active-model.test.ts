import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACTIVE_MODEL_ALIAS,
  ACTIVE_MODEL_SETTING,
  createActiveModelStore,
  createActiveModelStoreFromDatabase,
  createMemoryPersistence,
  type AliasPersistence,
} from '../../../main/routing/active-model.js';
import { isGatewayError } from '../../../main/core/gateway-error.js';
import { openDatabase } from '../../../main/storage/open-database.js';
import { silentLog } from '../../support/silent-log.js';

const groupsOf = (...names: string[]) => names.map((name) => ({ name }));

function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (isGatewayError(error)) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('createActiveModelStore', () => {
  it('points the active alias at the first model group until told otherwise', () => {
    const store = createActiveModelStore({ persistence: createMemoryPersistence(), groups: () => groupsOf('qwen', 'gpt') });
    expect(store.state()).toEqual({ alias: ACTIVE_MODEL_ALIAS, model: 'qwen', aliases: { [ACTIVE_MODEL_ALIAS]: 'qwen' }, models: ['qwen', 'gpt'] });
    expect([...store.aliases()]).toEqual([[ACTIVE_MODEL_ALIAS, 'qwen']]);
  });

  it('switches the active alias to another group', () => {
    const store = createActiveModelStore({ persistence: createMemoryPersistence(), groups: () => groupsOf('qwen', 'gpt') });
    expect(store.switchTo('gpt').model).toBe('gpt');
    expect(store.aliases().get(ACTIVE_MODEL_ALIAS)).toBe('gpt');
  });

  it('refuses an unknown group with a 400 naming the available groups, and changes nothing', () => {
    const persistence = createMemoryPersistence();
    const store = createActiveModelStore({ persistence, groups: () => groupsOf('qwen', 'gpt') });
    const error = thrown(() => store.switchTo('claude'));
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.param).toBe('model');
    expect(error.message).toContain('"claude"');
    expect(error.message).toContain('"qwen", "gpt"');
    expect(store.state().model).toBe('qwen');
    expect(persistence.get(ACTIVE_MODEL_SETTING)).toBeUndefined();
  });

  it('adds, lists and removes user aliases such as "default"', () => {
    const store = createActiveModelStore({ persistence: createMemoryPersistence(), groups: () => groupsOf('qwen', 'gpt') });
    store.switchTo('gpt', 'default');
    expect(store.state().aliases).toEqual({ [ACTIVE_MODEL_ALIAS]: 'qwen', default: 'gpt' });
    expect(store.removeAlias('default')).toBe(true);
    expect(store.removeAlias('default')).toBe(false);
    expect(store.state().aliases).toEqual({ [ACTIVE_MODEL_ALIAS]: 'qwen' });
  });

  it.each(['', ' default', 'a b', '../../admin', 'x\u0000', '-lead', 'a'.repeat(129)])('refuses the alias name %j', (alias) => {
    const store = createActiveModelStore({ persistence: createMemoryPersistence(), groups: () => groupsOf('qwen') });
    expect(thrown(() => store.switchTo('qwen', alias)).param).toBe('alias');
  });

  it('refuses an alias that is already a group name, and removing the active alias', () => {
    const store = createActiveModelStore({ persistence: createMemoryPersistence(), groups: () => groupsOf('qwen', 'gpt') });
    expect(thrown(() => store.switchTo('qwen', 'gpt')).code).toBe('invalid_request');
    expect(thrown(() => store.removeAlias(ACTIVE_MODEL_ALIAS)).code).toBe('invalid_request');
  });

  it('uses another active alias name when given one', () => {
    const store = createActiveModelStore({ persistence: createMemoryPersistence(), groups: () => groupsOf('qwen'), alias: 'current' });
    expect(store.state().aliases).toEqual({ current: 'qwen' });
  });

  it('returns the same Map between changes (the router reads it on every request) and a new one after', () => {
    let groups = groupsOf('qwen', 'gpt');
    const store = createActiveModelStore({ persistence: createMemoryPersistence(), groups: () => groups });
    const first = store.aliases();
    expect(store.aliases()).toBe(first);
    store.switchTo('gpt');
    const second = store.aliases();
    expect(second).not.toBe(first);
    groups = groupsOf('gpt');
    expect(store.aliases()).not.toBe(second);
  });

  it('falls back to the first group when the stored target leaves the config, and returns to it when it comes back', () => {
    let groups = groupsOf('qwen', 'gpt');
    const store = createActiveModelStore({ persistence: createMemoryPersistence(), groups: () => groups });
    store.switchTo('gpt');
    store.switchTo('gpt', 'default');
    groups = groupsOf('qwen');
    expect(store.state().model).toBe('qwen');
    expect(store.state().aliases).toEqual({ [ACTIVE_MODEL_ALIAS]: 'qwen' });
    groups = groupsOf('qwen', 'gpt');
    expect(store.state().aliases).toEqual({ [ACTIVE_MODEL_ALIAS]: 'gpt', default: 'gpt' });
  });

  it('has no target and no alias while no model is configured', () => {
    const store = createActiveModelStore({ persistence: createMemoryPersistence(), groups: () => [] });
    expect(store.state()).toEqual({ alias: ACTIVE_MODEL_ALIAS, model: null, aliases: {}, models: [] });
    expect(thrown(() => store.switchTo('x')).message).toContain('none are configured');
  });

  it('keeps the previous target when storage refuses the write', () => {
    const failing: AliasPersistence = {
      get: () => undefined,
      set: () => {
        throw new Error('SQLITE_BUSY');
      },
    };
    const store = createActiveModelStore({ persistence: failing, groups: () => groupsOf('qwen', 'gpt') });
    expect(() => store.switchTo('gpt')).toThrow('SQLITE_BUSY');
    expect(store.state().model).toBe('qwen');
  });

  it.each([
    ['a bare string (older format)', 'gpt', 'gpt', {}],
    ['garbage', 42, 'qwen', {}],
    ['an array', ['gpt'], 'qwen', {}],
    ['bad alias entries', { model: 'gpt', aliases: { ok: 'qwen', 'bad name': 'qwen', n: 7 } }, 'gpt', { ok: 'qwen' }],
  ])('reads %s from storage without failing', (_name, stored, model, userAliases) => {
    const persistence = createMemoryPersistence();
    persistence.set(ACTIVE_MODEL_SETTING, stored);
    const store = createActiveModelStore({ persistence, groups: () => groupsOf('qwen', 'gpt') });
    expect(store.state().model).toBe(model);
    expect(store.state().aliases).toEqual({ [ACTIVE_MODEL_ALIAS]: model, ...userAliases });
  });

  it('survives a restart through the settings table of a real database file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-active-'));
    dirs.push(dir);
    const file = join(dir, 'switchboard.db');
    const groups = () => groupsOf('qwen', 'gpt');

    const first = openDatabase({ file, log: silentLog });
    createActiveModelStoreFromDatabase(first.db, groups).switchTo('gpt');
    createActiveModelStoreFromDatabase(first.db, groups).switchTo('qwen', 'default');
    first.db.close();

    const second = openDatabase({ file, log: silentLog });
    const store = createActiveModelStoreFromDatabase(second.db, groups);
    expect(store.state().aliases).toEqual({ [ACTIVE_MODEL_ALIAS]: 'gpt', default: 'qwen' });
    const row = second.db.prepare('SELECT value FROM settings WHERE key = ?').get(ACTIVE_MODEL_SETTING) as { value: string };
    expect(JSON.parse(row.value)).toEqual({ model: 'gpt', aliases: { default: 'qwen' } });
    second.db.close();
  });
});
