// The active-model switch: an alias (default `switchboard/active`) whose target is a model group,
// plus any aliases the user adds (e.g. `default`), read by the router on every request so a switch
// applies to the next request while requests in flight keep the group they resolved. Persisted
// through a tiny key/value interface (the settings table); never holds secrets, never does I/O
// other than that one setting. On SQLite every call answers at once; over PostgreSQL the setting
// is read once at start (loadActiveModelStore), written through before a change takes effect, and
// re-read by reload() when another replica changed it.
import type Database from 'better-sqlite3';
import { GatewayError } from '../core/gateway-error.js';
import { createSettingsRepository } from '../storage/settings-repository.js';
import type { CallMode, Returns } from '../storage/storage-connection.js';
import { whenSettled } from '../core/run-maybe-async.js';

export const ACTIVE_MODEL_ALIAS = 'switchboard/active';
/** The settings key: `{"model": "<group>" | null, "aliases": {"<alias>": "<group>"}}`. */
export const ACTIVE_MODEL_SETTING = 'active_model';

/** What the store needs from storage; the settings repository (on either engine) satisfies it. */
export interface AliasPersistence<M extends CallMode = 'sync'> {
  get(key: string): Returns<M, unknown>;
  set(key: string, value: unknown): Returns<M, void>;
}

export interface ActiveModelState {
  /** The active alias's name, e.g. `switchboard/active`. */
  alias: string;
  /** The group the active alias points at now; null when no model is configured. */
  model: string | null;
  /** Every alias that resolves now (the active one included) -> its group. */
  aliases: Record<string, string>;
  /** The model groups an alias may point at. */
  models: string[];
}

/** 'sync' over SQLite or memory; CallMode (either) where the storage may be PostgreSQL. */
export interface ActiveModelStore<M extends CallMode = 'sync'> {
  readonly alias: string;
  state(): ActiveModelState;
  /** Alias -> group, for the router (read per request; the same Map until something changes). */
  aliases(): ReadonlyMap<string, string>;
  /**
   * Points `alias` (default: the active alias) at `model`, persists it, and returns the new
   * state. Throws GatewayError invalid_request for an unknown group or a bad alias name.
   */
  switchTo(model: string, alias?: string): Returns<M, ActiveModelState>;
  /** Removes a user alias; the active alias cannot be removed. */
  removeAlias(alias: string): Returns<M, boolean>;
  /**
   * True while nobody has chosen the active model (or the chosen group is gone): the alias then
   * points at the first group, the default, and may follow the first working model added.
   */
  followsDefault(): boolean;
  /** Forgets the choice: the active alias points at the first group again (the default). */
  useDefault(): Returns<M, ActiveModelState>;
  /** Re-reads the stored choice (another replica changed it: the change feed calls this). */
  reload(): Returns<M, void>;
}

export interface ActiveModelStoreOptions<M extends CallMode = 'sync'> {
  persistence: AliasPersistence<M>;
  /** The stored value, already read (loadActiveModelStore reads it from asynchronous storage). */
  stored?: unknown;
  /** The current model groups, in config order; the first is the default target. */
  groups: () => readonly { readonly name: string }[];
  /** Name of the active alias (default `switchboard/active`). */
  alias?: string;
}

interface Stored {
  model: string | null;
  aliases: Record<string, string>;
}

// Letters, digits and . _ : / @ - like model names; no spaces, no control characters, no `..`.
const ALIAS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$/;

/** Over asynchronous storage (PostgreSQL): reads the stored choice once, then builds the store. */
export async function loadActiveModelStore(options: Omit<ActiveModelStoreOptions<CallMode>, 'stored'>): Promise<ActiveModelStore<CallMode>> {
  const stored = await options.persistence.get(ACTIVE_MODEL_SETTING);
  return createActiveModelStore<CallMode>({ ...options, stored });
}

export function createActiveModelStore<M extends CallMode = 'sync'>(options: ActiveModelStoreOptions<M>): ActiveModelStore<M> {
  const activeAlias = options.alias ?? ACTIVE_MODEL_ALIAS;
  const initial = 'stored' in options ? options.stored : options.persistence.get(ACTIVE_MODEL_SETTING);
  if (initial instanceof Promise) throw new Error('asynchronous storage: build the active-model store with loadActiveModelStore');
  let stored = readStored(initial, activeAlias);
  // Cache of the resolved map, rebuilt only when the group list or the stored state changes:
  // the router calls aliases() on every request whose model is not a group name.
  let cacheGroups: readonly { readonly name: string }[] | undefined;
  let cacheStored: Stored | undefined;
  let cacheMap: ReadonlyMap<string, string> = new Map();

  const groupNames = () => options.groups().map((g) => g.name);

  function effective(): { groups: readonly { readonly name: string }[]; map: ReadonlyMap<string, string> } {
    const groups = options.groups();
    if (groups === cacheGroups && stored === cacheStored) return { groups, map: cacheMap };
    const names = new Set(groups.map((g) => g.name));
    const map = new Map<string, string>();
    const target = stored.model !== null && names.has(stored.model) ? stored.model : groups[0]?.name;
    if (target !== undefined && !names.has(activeAlias)) map.set(activeAlias, target);
    // An alias whose group was removed from the config stops resolving but stays stored, so it
    // comes back if the group does. A group name always wins over an alias of the same name.
    for (const [name, group] of Object.entries(stored.aliases)) {
      if (names.has(group) && !names.has(name)) map.set(name, group);
    }
    cacheGroups = groups;
    cacheStored = stored;
    cacheMap = map;
    return { groups, map };
  }

  function state(): ActiveModelState {
    const { groups, map } = effective();
    return {
      alias: activeAlias,
      model: map.get(activeAlias) ?? null,
      aliases: Object.fromEntries(map),
      models: groups.map((g) => g.name),
    };
  }

  /** Write first: if storage fails (busy, read-only), nothing changes and the caller sees why. */
  function persist<T>(next: Stored, then: () => T): Returns<M, T> {
    return whenSettled(options.persistence.set(ACTIVE_MODEL_SETTING, next) as void | Promise<void>, () => {
      stored = next;
      return then();
    }) as Returns<M, T>;
  }

  const store: ActiveModelStore<CallMode> = {
    alias: activeAlias,
    state,
    aliases: () => effective().map,
    switchTo(model, alias = activeAlias) {
      const names = groupNames();
      if (!names.includes(model)) {
        const available = names.length === 0 ? 'none are configured' : names.map((n) => `"${n}"`).join(', ');
        throw new GatewayError('invalid_request', `There is no model group "${model.slice(0, 256)}". Available model groups: ${available}`, { param: 'model' });
      }
      if (alias === activeAlias) return persist({ model, aliases: stored.aliases }, state);
      if (!ALIAS_PATTERN.test(alias) || alias.includes('..')) {
        throw new GatewayError('invalid_request', 'An alias is 1-128 characters: letters, digits and . _ : / @ - (starting with a letter or digit)', { param: 'alias' });
      }
      if (names.includes(alias)) {
        throw new GatewayError('invalid_request', `"${alias}" is already a model group name; an alias must be a new name`, { param: 'alias' });
      }
      return persist({ model: stored.model, aliases: { ...stored.aliases, [alias]: model } }, state);
    },
    followsDefault: () => stored.model === null || !groupNames().includes(stored.model),
    useDefault() {
      return stored.model === null ? state() : persist({ model: null, aliases: stored.aliases }, state);
    },
    reload() {
      return whenSettled(options.persistence.get(ACTIVE_MODEL_SETTING) as unknown, (value) => {
        stored = readStored(value, activeAlias);
      });
    },
    removeAlias(alias) {
      if (alias === activeAlias) {
        throw new GatewayError('invalid_request', `"${activeAlias}" is the active-model alias; switch it instead of removing it`, { param: 'alias' });
      }
      if (!Object.hasOwn(stored.aliases, alias)) return false;
      const aliases = { ...stored.aliases };
      delete aliases[alias];
      return persist({ model: stored.model, aliases }, () => true);
    },
  };
  return store as ActiveModelStore<M>;
}

/** An in-memory persistence, for a gateway started without a database (tests, --no-db). */
export function createMemoryPersistence(): AliasPersistence {
  const values = new Map<string, string>();
  return {
    get: (key) => {
      const json = values.get(key);
      return json === undefined ? undefined : (JSON.parse(json) as unknown);
    },
    set: (key, value) => {
      values.set(key, JSON.stringify(value));
    },
  };
}

/** For the CLI / Electron shell: the store persisted in the database's settings table. */
export function createActiveModelStoreFromDatabase(
  db: Database.Database,
  groups: ActiveModelStoreOptions['groups'],
  alias?: string,
): ActiveModelStore {
  return createActiveModelStore({ persistence: createSettingsRepository(db), groups, ...(alias === undefined ? {} : { alias }) });
}

/** Whatever was stored, read defensively: a hand-edited or older value never breaks start-up. */
function readStored(value: unknown, activeAlias: string): Stored {
  if (typeof value === 'string') return { model: value, aliases: {} };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { model: null, aliases: {} };
  const record = value as Record<string, unknown>;
  const model = typeof record.model === 'string' ? record.model : null;
  const aliases: Record<string, string> = {};
  if (typeof record.aliases === 'object' && record.aliases !== null && !Array.isArray(record.aliases)) {
    for (const [name, group] of Object.entries(record.aliases as Record<string, unknown>)) {
      if (typeof group === 'string' && name !== activeAlias && ALIAS_PATTERN.test(name)) aliases[name] = group;
    }
  }
  return { model, aliases };
}
