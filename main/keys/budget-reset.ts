// Budget resets: when a key's, team's, user's or app's budget_reset_at has passed, its spend goes back to
// 0 and the next reset is scheduled one budget_duration (its own) later. Steps of the caller's unit
// of work, on either engine (lazily at admission by the budget ledger, or in the key repository's
// periodic sweep). Never touches reserved money: requests in flight keep their reservations across
// a reset. The reset is a compare-and-set on budget_reset_at, so two sweeps (or two replicas)
// racing reset an entity once.
import { sql, type SqlStatement } from '../storage/sql-statement.js';
import { all, get, run, type StorageQuery } from '../storage/storage-unit.js';
import { nextScheduledAfter, parseDuration } from './parse-duration.js';

/** The tables whose rows carry a budget with its own duration (memberships reset with nothing: they have no duration). */
export type BudgetTable = 'virtual_keys' | 'teams' | 'users' | 'apps';

interface DueRow {
  id: string;
  budget_duration: string | null;
  budget_reset_at: number;
}

interface ResetStatements {
  one: SqlStatement;
  all: SqlStatement;
  /** Parameters: next, now, id, due. */
  reset: SqlStatement;
}

// One text per table, from this fixed list (never from input).
// Apps (migration 18) are keyed by their name, in the column `app`.
function statementsFor(table: BudgetTable, idColumn = 'id'): ResetStatements {
  return {
    one: sql(`SELECT ${idColumn} AS id, budget_duration, budget_reset_at FROM ${table} WHERE ${idColumn} = ? AND budget_reset_at <= ?`),
    all: sql(`SELECT ${idColumn} AS id, budget_duration, budget_reset_at FROM ${table} WHERE budget_reset_at IS NOT NULL AND budget_reset_at <= ? ORDER BY ${idColumn}`),
    reset: sql(`UPDATE ${table} SET spend_micros = 0, budget_reset_at = ?, updated_at = ? WHERE ${idColumn} = ? AND budget_reset_at = ?`),
  };
}

const STATEMENTS: Record<BudgetTable, ResetStatements> = {
  virtual_keys: statementsFor('virtual_keys'),
  teams: statementsFor('teams'),
  users: statementsFor('users'),
  apps: statementsFor('apps', 'app'),
};

function nextResetOf(row: DueRow, nowMs: number): number | null {
  if (row.budget_duration === null) return null;
  try {
    return nextScheduledAfter(row.budget_reset_at, parseDuration(row.budget_duration, 'budget_duration'), nowMs);
  } catch {
    // Only reachable by editing the database by hand: reset once and stop scheduling.
    return null;
  }
}

function* resetAllDueIn(table: BudgetTable, nowMs: number): Generator<StorageQuery, string[], unknown> {
  const statements = STATEMENTS[table];
  const reset: string[] = [];
  for (const row of yield* all<DueRow>(statements.all, [nowMs])) {
    if ((yield* run(statements.reset, [nextResetOf(row, nowMs), nowMs, row.id, row.budget_reset_at])).changes === 1) reset.push(row.id);
  }
  return reset;
}

/**
 * The sweep as part of a unit of work (either engine): resets every due key, then every due team,
 * then every due user, then every due app (the ledgers' lock order), each by its own duration. Returns the keys' ids
 * (the key repository announces those); teams and users are reset all the same.
 */
export function* resetAllDueBudgets(nowMs: number): Generator<StorageQuery, string[], unknown> {
  const keys = yield* resetAllDueIn('virtual_keys', nowMs);
  yield* resetAllDueIn('teams', nowMs);
  yield* resetAllDueIn('users', nowMs);
  yield* resetAllDueIn('apps', nowMs);
  return keys;
}

/** Resets one key, team or user if due, as part of a unit of work (either engine); true when it did. */
export function* resetBudgetIfDue(keyId: string, nowMs: number, table: BudgetTable = 'virtual_keys'): Generator<StorageQuery, boolean, unknown> {
  const statements = STATEMENTS[table];
  const row = yield* get<DueRow>(statements.one, [keyId, nowMs]);
  return row !== undefined && (yield* run(statements.reset, [nextResetOf(row, nowMs), nowMs, row.id, row.budget_reset_at])).changes === 1;
}
