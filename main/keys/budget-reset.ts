// Budget resets: when a key's budget_reset_at has passed, its spend goes back to 0 and the next
// reset is scheduled one budget_duration later. Runs inside the caller's transaction (lazily at
// admission by the budget ledger, or in the periodic sweep). Never touches reserved money:
// requests in flight keep their reservations across a reset.
import type Database from 'better-sqlite3';
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

export function createBudgetResetter(db: Database.Database): BudgetResetter {
  const selectOne = db.prepare<[string, number], DueRow>(
    'SELECT id, budget_duration, budget_reset_at FROM virtual_keys WHERE id = ? AND budget_reset_at <= ?',
  );
  const selectAll = db.prepare<[number], DueRow>(
    'SELECT id, budget_duration, budget_reset_at FROM virtual_keys WHERE budget_reset_at IS NOT NULL AND budget_reset_at <= ?',
  );
  const reset = db.prepare<{ id: string; due: number; next: number | null; now: number }>(
    'UPDATE virtual_keys SET spend_micros = 0, budget_reset_at = :next, updated_at = :now WHERE id = :id AND budget_reset_at = :due',
  );

  function apply(row: DueRow, nowMs: number): boolean {
    let next: number | null = null;
    if (row.budget_duration !== null) {
      try {
        next = nextScheduledAfter(row.budget_reset_at, parseDuration(row.budget_duration, 'budget_duration'), nowMs);
      } catch {
        // Only reachable by editing the file by hand: reset once and stop scheduling.
        next = null;
      }
    }
    return reset.run({ id: row.id, due: row.budget_reset_at, next, now: nowMs }).changes === 1;
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
