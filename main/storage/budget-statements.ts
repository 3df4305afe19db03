// The statements every budgeted row shares (a key's, a team's, a user's, an app's): the admission
// hold, the charge that moves a hold to spend, and the recount after a restart. Written once here
// so the admission condition, the one thing that must never check-then-increment, cannot differ
// between levels; the ledgers (main/metering/*-ledger.ts) define their statements with these.
// The table and column names come from the fixed lists below and the ledgers' literals, never from
// input (budget-reset.ts builds its statements the same way).
import { sql, type SqlStatement } from './sql-statement.js';

/** The tables whose rows hold a budget of their own (team memberships have their own cap; see owner-budget-ledger.ts). */
export type BudgetedTable = 'virtual_keys' | 'teams' | 'users' | 'apps';

/** Each table's key column: apps (migration 18) are keyed by their name. */
const ID_COLUMN: Record<BudgetedTable, string> = { virtual_keys: 'id', teams: 'id', users: 'id', apps: 'app' };

/**
 * THE admission check: holds the worst case only if it fits under the budget of a period that has
 * not ended, in one conditional statement. SQLite serialises it under BEGIN IMMEDIATE; PostgreSQL's
 * row lock makes a concurrent one wait and re-check the condition against the committed row, so N
 * replicas admit exactly what the budget allows. Parameters: est, id, now, est.
 */
export function holdStatement(table: BudgetedTable, returning: string): SqlStatement {
  return sql(
    `UPDATE ${table} SET reserved_micros = reserved_micros + ?
   WHERE ${ID_COLUMN[table]} = ?
     AND (budget_reset_at IS NULL OR budget_reset_at > ?)
     AND (max_budget_micros IS NULL OR spend_micros + reserved_micros + ? <= max_budget_micros)
   RETURNING ${returning}`,
  );
}

export interface ChargeOptions {
  /** The rows charged; default `<id column> = ?`. */
  where?: string;
  /** More assignments after the charge's own, with their parameters before the WHERE's. */
  alsoSet?: string;
  returning?: string;
}

/**
 * Moves `held` out of reserved and adds `actual` to spend. Parameters: held, held, actual, then
 * alsoSet's, then where's. CASE, not max(a, b): PostgreSQL has no two-argument max.
 */
export function chargeStatement(table: BudgetedTable | 'team_memberships', options: ChargeOptions = {}): SqlStatement {
  const where = options.where ?? `${ID_COLUMN[table as BudgetedTable]} = ?`;
  const alsoSet = options.alsoSet === undefined ? '' : `, ${options.alsoSet}`;
  const returning = options.returning === undefined ? '' : ` RETURNING ${options.returning}`;
  return sql(`UPDATE ${table} SET reserved_micros = CASE WHEN reserved_micros > ? THEN reserved_micros - ? ELSE 0 END, spend_micros = spend_micros + ?${alsoSet} WHERE ${where}${returning}`);
}

/**
 * After a restart (nothing in flight): each row's reserved_micros becomes what its reservations in
 * `reservations` still hold. `joins` matches a reservation `r` to the row `e`, e.g. `r.key_id = e.id`.
 */
export function recountStatement(table: BudgetedTable, reservations: string, joins: string): SqlStatement {
  const id = ID_COLUMN[table];
  return sql(
    `UPDATE ${table} SET reserved_micros = held.amount
   FROM (SELECT e.${id}, coalesce(sum(r.amount_micros), 0) AS amount FROM ${table} e
         LEFT JOIN ${reservations} r ON ${joins} GROUP BY e.${id}) AS held
   WHERE held.${id} = ${table}.${id} AND ${table}.reserved_micros <> held.amount`,
  );
}
