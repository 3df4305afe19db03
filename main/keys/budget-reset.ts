// Budget resets: when a key's budget_reset_at has passed, its spend goes back to 0 and the next
// reset is scheduled one budget_duration later. Runs inside the caller's transaction (lazily at
// admission by the budget ledger, or in the periodic sweep). Never touches reserved money:
// requests in flight keep their reservations across a reset. The reset is a compare-and-set on
// budget_reset_at, so two sweeps (or two replicas) racing reset a key once.
import type Database from 'better-sqlite3';
import { sql } from '../storage/sql-statement.js';
import { all, run, type StorageQuery } from '../storage/storage-unit.js';
import { nextScheduledAfter, parseDuration } from './parse-duration.js';

export interface BudgetResetter {
  /** Resets one key if due; true when it did. Call inside a write transaction. */
  resetIfDue(keyId: string, nowMs: number): boolean;
  /** Resets every due key; returns their ids. Call inside a write transaction. */
  resetAllDue(nowMs: number): string[];
}

interface DueRow {
  id: string;
  budget_duration: string | null;
  budget_reset_at: number;
}

const SELECT_ONE_DUE = sql('SELECT id, budget_duration, budget_reset_at FROM virtual_keys WHERE id = ? AND budget_reset_at <= ?');
const SELECT_ALL_DUE = sql('SELECT id, budget_duration, budget_reset_at FROM virtual_keys WHERE budget_reset_at IS NOT NULL AND budget_reset_at <= ?');
/** Parameters: next, now, id, due. */
const RESET = sql('UPDATE virtual_keys SET spend_micros = 0, budget_reset_at = ?, updated_at = ? WHERE id = ? AND budget_reset_at = ?');

function nextResetOf(row: DueRow, nowMs: number): number | null {
  if (row.budget_duration === null) return null;
  try {
    return nextScheduledAfter(row.budget_reset_at, parseDuration(row.budget_duration, 'budget_duration'), nowMs);
  } catch {
    // Only reachable by editing the database by hand: reset once and stop scheduling.
    return null;
  }
}

/** The sweep as part of a unit of work (either engine): resets every due key, returns their ids. */
export function* resetAllDueBudgets(nowMs: number): Generator<StorageQuery, string[], unknown> {
  const reset: string[] = [];
  for (const row of yield* all<DueRow>(SELECT_ALL_DUE, [nowMs])) {
    if ((yield* run(RESET, [nextResetOf(row, nowMs), nowMs, row.id, row.budget_reset_at])).changes === 1) reset.push(row.id);
  }
  return reset;
}

/** The SQLite resetter the budget ledger calls inside its admission transaction, statements prepared once. */
export function createBudgetResetter(db: Database.Database): BudgetResetter {
  const selectOne = db.prepare<[string, number], DueRow>(SELECT_ONE_DUE.sqlite);
  const selectAll = db.prepare<[number], DueRow>(SELECT_ALL_DUE.sqlite);
  const reset = db.prepare<[number | null, number, string, number]>(RESET.sqlite);

  function apply(row: DueRow, nowMs: number): boolean {
    return reset.run(nextResetOf(row, nowMs), nowMs, row.id, row.budget_reset_at).changes === 1;
  }

  return {
    resetIfDue(keyId, nowMs) {
      const row = selectOne.get(keyId, nowMs);
      return row !== undefined && apply(row, nowMs);
    },
    resetAllDue(nowMs) {
      return selectAll.all(nowMs).filter((row) => apply(row, nowMs)).map((row) => row.id);
    },
  };
}
