// The active-model switch: an alias (default `switchboard/active`) whose target is a model group,
// plus any aliases the user adds (e.g. `default`), read by the router on every request so a switch
// applies to the next request while requests in flight keep the group they resolved. Persisted
// through a tiny key/value interface (the settings table); never holds secrets, never does I/O
// other than that one setting.
import type Database from 'better-sqlite3';
import { GatewayError } from '../core/gateway-error.js';
import { createSettingsRepository } from '../storage/settings-repository.js';

export const ACTIVE_MODEL_ALIAS = 'switchboard/active';
/** The settings key: `{"model": "<group>" | null, "aliases": {"<alias>": "<group>"}}`. */
export const ACTIVE_MODEL_SETTING = 'active_model';

/** What the store needs from storage; the settings repository satisfies it. */
export interface AliasPersistence {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
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

export interface ActiveModelStore {
  readonly alias: string;
  state(): ActiveModelState;
  /** Alias -> group, for the router (read per request; the same Map until something changes). */
  aliases(): ReadonlyMap<string, string>;
  /**
   * Points `alias` (default: the active alias) at `model`, persists it, and returns the new
   * state. Throws GatewayError invalid_request for an unknown group or a bad alias name.
   */
  switchTo(model: string, alias?: string): ActiveModelState;
  /** Removes a user alias; the active alias cannot be removed. */
  removeAlias(alias: string): boolean;
  /**
   * True while nobody has chosen the active model (or the chosen group is gone): the alias then
   * points at the first group, the default, and may follow the first working model added.
   */
  followsDefault(): boolean;
  /** Forgets the choice: the active alias points at the first group again (the default). */
  useDefault(): ActiveModelState;
}

export interface ActiveModelStoreOptions {
  persistence: AliasPersistence;
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

export function createActiveModelStore(options: ActiveModelStoreOptions): ActiveModelStore {
  const activeAlias = options.alias ?? ACTIVE_MODEL_ALIAS;
  let stored = readStored(options.persistence.get(ACTIVE_MODEL_SETTING), activeAlias);
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

  function persist(next: Stored): void {
    // Write first: if storage fails (busy, read-only), nothing changes and the caller sees why.
    options.persistence.set(ACTIVE_MODEL_SETTING, next);
    stored = next;
  }

  return {
    alias: activeAlias,
    state,
    aliases: () => effective().map,
    switchTo(model, alias = activeAlias) {
      const names = groupNames();
      if (!names.includes(model)) {
        const available = names.length === 0 ? 'none are configured' : names.map((n) => `"${n}"`).join(', ');
        throw new GatewayError('invalid_request', `There is no model group "${model.slice(0, 256)}". Available model groups: ${available}`, { param: 'model' });
      }
      if (alias === activeAlias) {
        persist({ model, aliases: stored.aliases });
        return state();
      }
      if (!ALIAS_PATTERN.test(alias) || alias.includes('..')) {
        throw new GatewayError('invalid_request', 'An alias is 1-128 characters: letters, digits and . _ : / @ - (starting with a letter or digit)', { param: 'alias' });
      }
      if (names.includes(alias)) {
        throw new GatewayError('invalid_request', `"${alias}" is already a model group name; an alias must be a new name`, { param: 'alias' });
      }
      persist({ model: stored.model, aliases: { ...stored.aliases, [alias]: model } });
      return state();
    },
    followsDefault: () => stored.model === null || !groupNames().includes(stored.model),
    useDefault() {
      if (stored.model !== null) persist({ model: null, aliases: stored.aliases });
      return state();
    },
    removeAlias(alias) {
      if (alias === activeAlias) {
        throw new GatewayError('invalid_request', `"${activeAlias}" is the active-model alias; switch it instead of removing it`, { param: 'alias' });
      }
      if (!Object.hasOwn(stored.aliases, alias)) return false;
      const aliases = { ...stored.aliases };
      delete aliases[alias];
      persist({ model: stored.model, aliases });
      return true;
    },
  };
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
