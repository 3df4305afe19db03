// immediateTransaction: the only way storage code writes. Wraps better-sqlite3's
// `db.transaction(fn).immediate()` so the write lock is taken at BEGIN, and maps SQLite's
// environmental failures (busy, full, read-only, corrupt) to StorageError. Never swallows an error.
import type Database from 'better-sqlite3';
import { requestIntegrityCheck } from './integrity-check-request.js';
import { isStorageError, toStorageError } from './storage-error.js';

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
      const mapped = toStorageError(error, db.name);
      // Damage found mid-run: have the next start check the whole file and move it aside.
      if (isStorageError(mapped, 'storage_corrupt') && db.name !== ':memory:') requestIntegrityCheck(db.name);
      throw mapped;
    }
  };
}
