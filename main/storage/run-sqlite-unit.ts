// bindSqliteUnit: runs a StorageUnit on better-sqlite3, synchronously: no Promise, each statement
// prepared once per connection, a write unit inside immediateTransaction (BEGIN IMMEDIATE, errors
// mapped to StorageError). The SQLite hot path stays as fast as a hand-written prepared statement.
import type Database from 'better-sqlite3';
import { immediateTransaction } from './immediate-transaction.js';
import type { SqlStatement } from './sql-statement.js';
import type { StorageQuery, StorageUnit } from './storage-unit.js';

const preparedByConnection = new WeakMap<Database.Database, Map<SqlStatement, Database.Statement>>();

export function bindSqliteUnit<Args extends unknown[], Result>(db: Database.Database, unit: StorageUnit<Args, Result>): (...args: Args) => Result {
  let prepared = preparedByConnection.get(db);
  if (prepared === undefined) {
    prepared = new Map();
    preparedByConnection.set(db, prepared);
  }
  const cache = prepared;
  const execute = (query: StorageQuery): unknown => {
    let statement = cache.get(query.statement);
    if (statement === undefined) {
      statement = db.prepare(query.statement.sqlite);
      cache.set(query.statement, statement);
    }
    if (query.kind === 'all') return statement.all(...query.params);
    if (query.kind === 'get') return statement.get(...query.params);
    return { changes: statement.run(...query.params).changes };
  };
  const drive = (...args: Args): Result => {
    const steps = unit.body(...args);
    let step = steps.next();
    while (step.done !== true) step = steps.next(execute(step.value));
    return step.value;
  };
  return unit.mode === 'write' ? immediateTransaction(db, drive) : drive;
}
