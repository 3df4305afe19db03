// Settings repository: small JSON values by name (e.g. 'usage.retention_days') in the settings
// table, for features that need to remember a choice across restarts. One definition for both
// engines: synchronous on SQLite, Promise-returning on PostgreSQL. Never holds secrets: provider
// keys live in the OS keychain.
import { sql } from './sql-statement.js';
import { bindUnit, type CallMode, type ModeOf, type Returns, type StorageConnection } from './storage-connection.js';
import { get, readUnit, run, writeUnit } from './storage-unit.js';

export interface SettingsStore<M extends CallMode> {
  /** The parsed JSON value, or undefined when the setting was never written. */
  get(key: string): Returns<M, unknown>;
  set(key: string, value: unknown): Returns<M, void>;
  delete(key: string): Returns<M, boolean>;
}

export type SettingsRepository = SettingsStore<'sync'>;
export type AsyncSettingsRepository = SettingsStore<'async'>;

const SELECT = sql('SELECT value FROM settings WHERE key = ?');
const UPSERT = sql('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
const REMOVE = sql('DELETE FROM settings WHERE key = ?');

const readSetting = readUnit(function* (key: string) {
  const row = yield* get<{ value: string }>(SELECT, [key]);
  return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
});
const writeSetting = writeUnit(function* (key: string, json: string) {
  yield* run(UPSERT, [key, json]);
});
const eraseSetting = writeUnit(function* (key: string) {
  return (yield* run(REMOVE, [key])).changes > 0;
});

export function createSettingsRepository<C extends StorageConnection>(connection: C): SettingsStore<ModeOf<C>> {
  const read = bindUnit(connection, readSetting);
  const write = bindUnit(connection, writeSetting);
  const erase = bindUnit(connection, eraseSetting);
  return {
    get: read,
    set(key, value) {
      // Refused before any engine is touched, the same on both.
      const json = JSON.stringify(value);
      if (json === undefined) throw new TypeError(`Setting ${key}: value is not JSON-serialisable.`);
      return write(key, json);
    },
    delete: erase,
  };
}
