// StorageUnit: one unit of repository work (a read, or a transaction that writes) written once as
// a generator that yields its queries, so the same body runs synchronously on SQLite and with
// await on PostgreSQL (docs/storage-engines.md). A body must do nothing but its queries and pure
// computation: never I/O of its own, never a timer, so a transaction is never held across one.
import type { SqlStatement } from './sql-statement.js';

export type StorageQuery =
  | { kind: 'all'; statement: SqlStatement; params: readonly unknown[] }
  | { kind: 'get'; statement: SqlStatement; params: readonly unknown[] }
  | { kind: 'run'; statement: SqlStatement; params: readonly unknown[] };

/** What `run` reports: rows changed by an INSERT, UPDATE or DELETE. */
export interface RunResult {
  changes: number;
}

export type UnitBody<Args extends unknown[], Result> = (...args: Args) => Generator<StorageQuery, Result, unknown>;

export interface StorageUnit<Args extends unknown[], Result> {
  /** 'write' runs in one transaction that takes the write lock at its start (BEGIN IMMEDIATE on SQLite). */
  mode: 'read' | 'write';
  body: UnitBody<Args, Result>;
}

export function readUnit<Args extends unknown[], Result>(body: UnitBody<Args, Result>): StorageUnit<Args, Result> {
  return { mode: 'read', body };
}

export function writeUnit<Args extends unknown[], Result>(body: UnitBody<Args, Result>): StorageUnit<Args, Result> {
  return { mode: 'write', body };
}

/** Every row; use as `yield* all<Row>(statement, params)`. */
export function* all<Row>(statement: SqlStatement, params: readonly unknown[] = []): Generator<StorageQuery, Row[], unknown> {
  return (yield { kind: 'all', statement, params }) as Row[];
}

/** The first row, or undefined. */
export function* get<Row>(statement: SqlStatement, params: readonly unknown[] = []): Generator<StorageQuery, Row | undefined, unknown> {
  return (yield { kind: 'get', statement, params }) as Row | undefined;
}

export function* run(statement: SqlStatement, params: readonly unknown[] = []): Generator<StorageQuery, RunResult, unknown> {
  return (yield { kind: 'run', statement, params }) as RunResult;
}
