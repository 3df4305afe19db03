// The settings the dashboard changes on a running gateway: raw-usage retention, body logging
// (off by default) and the browser origins allowed to call the API (default none). Persisted in
// the settings table and cached in memory, because the Host/Origin guard reads the origins on
// every request. Never holds secrets; validates with the shared contract before it stores.
// Over PostgreSQL the values are read once at start (loadGatewaySettings), written through before
// they take effect, and re-read by reload() when another replica changed them.
import { runMaybeAsync, type MaybePromise } from '../core/run-maybe-async.js';
import { DEFAULT_RETENTION_DAYS } from '../metering/prune-raw-usage.js';
import { isBrowserOrigin, MAX_ALLOWED_ORIGINS, MAX_KEYLESS_MODELS, MAX_RETENTION_DAYS, type SettingsUpdate } from '../../shared/api/settings-schemas.js';

export const SETTING_KEYS = {
  retentionDays: 'usage.retention_days',
  bodyLogging: 'logging.bodies',
  allowedOrigins: 'security.allowed_origins',
  ollamaAllowWithoutKey: 'ollama.allow_without_key',
  ollamaModels: 'ollama.models',
  onlyAllowedApps: 'apps.only_allowed',
} as const;

/** Keyless Ollama clients as the dashboard set them; undefined = never set there (the config file's value applies). */
export interface OllamaKeylessOverride {
  allowWithoutKey: boolean | undefined;
  models: readonly string[] | undefined;
}

/** The slice of the settings repository this needs (synchronous: SQLite). */
export interface SettingsStorage {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

/** The same slice on PostgreSQL, or on either engine. */
export interface AnySettingsStorage {
  get(key: string): MaybePromise<unknown>;
  set(key: string, value: unknown): MaybePromise<void>;
}

export interface GatewaySettingsValues {
  retentionDays: number;
  bodyLogging: boolean;
  allowedOrigins: readonly string[];
  ollamaKeyless: OllamaKeylessOverride;
  /** general_settings.only_allowed_apps as the dashboard set it; undefined = never set there (the config file's value applies). */
  onlyAllowedApps: boolean | undefined;
}

/** On either engine: update and reload answer with a Promise when the storage is PostgreSQL. */
export interface GatewaySettings {
  values(): GatewaySettingsValues;
  retentionDays(): number;
  bodyLogging(): boolean;
  /** The same frozen array until the next update: cheap enough for every request. */
  allowedOrigins(): readonly string[];
  /** Keyless Ollama access: the dashboard's values where set, else `fromConfig` (general_settings.ollama_api). */
  ollamaKeyless(fromConfig: { allowWithoutKey: boolean; models: readonly string[] }): { allowWithoutKey: boolean; models: readonly string[] };
  /** Open mode admits only apps allowed by their rule: the dashboard's value where set, else `fromConfig`. Cheap: read per request. */
  onlyAllowedApps(fromConfig: boolean): boolean;
  /** Applies an already-validated update; each value is written before it takes effect. */
  update(patch: SettingsUpdate): MaybePromise<GatewaySettingsValues>;
  /** Re-reads every value from storage (another replica changed them: the change feed calls this). */
  reload(): MaybePromise<void>;
}

/** Over SQLite: every call answers at once. */
export interface SyncGatewaySettings extends GatewaySettings {
  update(patch: SettingsUpdate): GatewaySettingsValues;
  reload(): void;
}

/** Reads every value; each `yield` is one storage read, awaited only when it is a Promise. */
function* readValues(storage: AnySettingsStorage): Generator<unknown, GatewaySettingsValues, unknown> {
  const retention = yield storage.get(SETTING_KEYS.retentionDays);
  const bodies = yield storage.get(SETTING_KEYS.bodyLogging);
  const origins = yield storage.get(SETTING_KEYS.allowedOrigins);
  const allowWithoutKey = yield storage.get(SETTING_KEYS.ollamaAllowWithoutKey);
  const models = yield storage.get(SETTING_KEYS.ollamaModels);
  const onlyAllowedApps = yield storage.get(SETTING_KEYS.onlyAllowedApps);
  return Object.freeze({
    retentionDays: readRetention(retention),
    bodyLogging: bodies === true,
    allowedOrigins: Object.freeze(readOrigins(origins)),
    ollamaKeyless: Object.freeze({ allowWithoutKey: readOptionalBoolean(allowWithoutKey), models: readModels(models) }),
    onlyAllowedApps: readOptionalBoolean(onlyAllowedApps),
  });
}

/** On SQLite: read now, every call answers at once. */
export function createGatewaySettings(storage: SettingsStorage): SyncGatewaySettings {
  return buildGatewaySettings(storage, runMaybeAsync(readValues(storage)) as GatewaySettingsValues) as SyncGatewaySettings;
}

/** On either engine (PostgreSQL: the values are read once here, before serving). */
export async function loadGatewaySettings(storage: AnySettingsStorage): Promise<GatewaySettings> {
  return buildGatewaySettings(storage, await runMaybeAsync(readValues(storage)));
}

function buildGatewaySettings(storage: AnySettingsStorage, initial: GatewaySettingsValues): GatewaySettings {
  let current = initial;
  return {
    values: () => current,
    retentionDays: () => current.retentionDays,
    bodyLogging: () => current.bodyLogging,
    allowedOrigins: () => current.allowedOrigins,
    ollamaKeyless: (fromConfig) => ({
      allowWithoutKey: current.ollamaKeyless.allowWithoutKey ?? fromConfig.allowWithoutKey,
      models: current.ollamaKeyless.models ?? fromConfig.models,
    }),
    onlyAllowedApps: (fromConfig) => current.onlyAllowedApps ?? fromConfig,
    update(patch) {
      return runMaybeAsync(applyUpdate(patch));
    },
    reload() {
      const read = runMaybeAsync(readValues(storage));
      if (read instanceof Promise) return read.then((values) => void (current = values));
      current = read;
    },
  };

  /** Write first: when storage fails (busy, read-only), the live value stays what is stored. */
  function* applyUpdate(patch: SettingsUpdate): Generator<unknown, GatewaySettingsValues, unknown> {
    const next = { ...current };
    if (patch.retention_days !== undefined) {
      yield storage.set(SETTING_KEYS.retentionDays, patch.retention_days);
      next.retentionDays = patch.retention_days;
    }
    if (patch.body_logging !== undefined) {
      yield storage.set(SETTING_KEYS.bodyLogging, patch.body_logging);
      next.bodyLogging = patch.body_logging;
    }
    if (patch.allowed_origins !== undefined) {
      const origins = [...new Set(patch.allowed_origins)];
      yield storage.set(SETTING_KEYS.allowedOrigins, origins);
      next.allowedOrigins = Object.freeze(origins);
    }
    if (patch.ollama_api?.allow_without_key !== undefined) {
      yield storage.set(SETTING_KEYS.ollamaAllowWithoutKey, patch.ollama_api.allow_without_key);
      next.ollamaKeyless = Object.freeze({ ...next.ollamaKeyless, allowWithoutKey: patch.ollama_api.allow_without_key });
    }
    if (patch.ollama_api?.models !== undefined) {
      const models = Object.freeze([...new Set(patch.ollama_api.models)]);
      yield storage.set(SETTING_KEYS.ollamaModels, models);
      next.ollamaKeyless = Object.freeze({ ...next.ollamaKeyless, models });
    }
    if (patch.only_allowed_apps !== undefined) {
      yield storage.set(SETTING_KEYS.onlyAllowedApps, patch.only_allowed_apps);
      next.onlyAllowedApps = patch.only_allowed_apps;
    }
    current = Object.freeze(next);
    return current;
  }
}

/** Whatever was stored, read defensively: a hand-edited value falls back to the default. */
function readRetention(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= MAX_RETENTION_DAYS ? value : DEFAULT_RETENTION_DAYS;
}

function readOptionalBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function readModels(value: unknown): readonly string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return Object.freeze([...new Set(value.filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 256))].slice(0, MAX_KEYLESS_MODELS));
}

function readOrigins(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((v): v is string => typeof v === 'string' && isBrowserOrigin(v)))].slice(0, MAX_ALLOWED_ORIGINS);
}
