// Settings repository: small JSON values by name (e.g. 'usage.retention_days') in the settings
// table, for features that need to remember a choice across restarts. Never holds secrets:
// provider keys live in the OS keychain.
import type Database from 'better-sqlite3';
import { immediateTransaction } from './immediate-transaction.js';

export interface SettingsRepository {
  /** The parsed JSON value, or undefined when the setting was never written. */
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): boolean;
}

export function createSettingsRepository(db: Database.Database): SettingsRepository {
  const select = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const upsert = db.prepare<[string, string]>('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const remove = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');
  const write = immediateTransaction(db, (key: string, json: string) => upsert.run(key, json));
  const erase = immediateTransaction(db, (key: string) => remove.run(key).changes > 0);

  return {
    get(key) {
      const row = select.get(key);
      return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
    },
    set(key, value) {
      const json = JSON.stringify(value);
      if (json === undefined) throw new TypeError(`Setting ${key}: value is not JSON-serialisable.`);
      write(key, json);
    },
    delete(key) {
      return erase(key);
    },
  };
}
