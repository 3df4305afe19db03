// bindSnapshotRead: binds a read unit whose several queries should see one snapshot. On SQLite the
// unit runs inside a deferred transaction (a read transaction under WAL: no write lock, still
// synchronous); on PostgreSQL it is bindUnit's read (one pooled client, READ COMMITTED), since the
// usage queries it serves read disjoint time ranges and tolerate a batch committing in between.
import type Database from 'better-sqlite3';
import { bindUnit, isPostgresConnection, type ModeOf, type Returns, type StorageConnection } from './storage-connection.js';
import type { StorageUnit } from './storage-unit.js';

export function bindSnapshotRead<C extends StorageConnection, Args extends unknown[], Result>(
  connection: C,
  unit: StorageUnit<Args, Result>,
): (...args: Args) => Returns<ModeOf<C>, Result> {
  const bound = bindUnit(connection, unit);
  if (isPostgresConnection(connection)) return bound;
  return (connection as Database.Database).transaction(bound as (...args: Args) => Result) as unknown as (...args: Args) => Returns<ModeOf<C>, Result>;
}
