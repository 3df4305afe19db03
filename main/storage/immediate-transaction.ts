// immediateTransaction: the only way storage code writes. Wraps better-sqlite3's
// `db.transaction(fn).immediate()` so the write lock is taken at BEGIN, and maps SQLite's
// environmental failures (busy, full, read-only) to StorageError. Never swallows an error.
import type Database from 'better-sqlite3';
import { toStorageError } from './storage-error.js';

/**
 * Returns a function that runs `fn` in a BEGIN IMMEDIATE transaction (a SAVEPOINT when already
 * inside one). IMMEDIATE, not DEFERRED: a deferred transaction that reads then writes gets
 * SQLITE_BUSY at the upgrade at once, ignoring busy_timeout (WiseLibs/better-sqlite3#836).
 * Build it once and reuse it: better-sqlite3 caches nothing for `db.transaction`.
 */
export function immediateTransaction<Args extends unknown[], Result>(
  db: Database.Database,
  fn: (...args: Args) => Result,
): (...args: Args) => Result {
  const transaction = db.transaction(fn);
  return (...args: Args): Result => {
    try {
      return transaction.immediate(...args);
    } catch (error) {
      throw toStorageError(error, db.name);
    }
  };
}
