// Budget resets: when a key's budget_reset_at has passed, its spend goes back to 0 and the next
// reset is scheduled one budget_duration later. Steps of the caller's unit of work, on either
// engine (lazily at admission by the budget ledger, or in the key repository's periodic sweep). Never touches reserved money:
// requests in flight keep their reservations across a reset. The reset is a compare-and-set on
// budget_reset_at, so two sweeps (or two replicas) racing reset a key once.
import { sql } from '../storage/sql-statement.js';
import { all, get, run, type StorageQuery } from '../storage/storage-unit.js';
import { nextScheduledAfter, parseDuration } from './parse-duration.js';

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

/** Resets one key if due, as part of a unit of work (either engine); true when it did. */
export function* resetBudgetIfDue(keyId: string, nowMs: number): Generator<StorageQuery, boolean, unknown> {
  const row = yield* get<DueRow>(SELECT_ONE_DUE, [keyId, nowMs]);
  return row !== undefined && (yield* run(RESET, [nextResetOf(row, nowMs), nowMs, row.id, row.budget_reset_at])).changes === 1;
}
