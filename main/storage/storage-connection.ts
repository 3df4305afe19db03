// StorageConnection: what a repository is built on, an open better-sqlite3 database (desktop,
// synchronous) or a PostgreSQL pool (team mode, asynchronous), and bindUnit, which gives a unit
// the calling convention of its engine: a plain value on SQLite, a Promise on PostgreSQL.
import type Database from 'better-sqlite3';
import type { PostgresConnection } from './open-postgres-pool.js';
import { bindPostgresUnit } from './run-postgres-unit.js';
import { bindSqliteUnit } from './run-sqlite-unit.js';
import type { StorageUnit } from './storage-unit.js';

export type StorageConnection = Database.Database | PostgresConnection;

/** 'sync' for SQLite, 'async' for PostgreSQL. */
export type CallMode = 'sync' | 'async';
export type ModeOf<C extends StorageConnection> = C extends PostgresConnection ? 'async' : 'sync';
/** A unit's result as its engine returns it. */
export type Returns<M extends CallMode, T> = M extends 'async' ? Promise<T> : T;

export function isPostgresConnection(connection: StorageConnection): connection is PostgresConnection {
  return 'dialect' in connection && connection.dialect === 'postgresql';
}

export function bindUnit<C extends StorageConnection, Args extends unknown[], Result>(
  connection: C,
  unit: StorageUnit<Args, Result>,
): (...args: Args) => Returns<ModeOf<C>, Result> {
  const bound = isPostgresConnection(connection) ? bindPostgresUnit(connection, unit) : bindSqliteUnit(connection as Database.Database, unit);
  return bound as (...args: Args) => Returns<ModeOf<C>, Result>;
}
