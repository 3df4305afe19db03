// Every budget that budget alerts watch, as entries for budget-thresholds.ts: each key's
// max_budget, a team's max_budget and soft_budget, a user's max_budget. Each entry has an id of its
// own (the key id, "team:…", "team-soft:…", "user:…"), so a team's hard and soft budgets are
// announced separately, and the end of its budget period (budget_reset_at, 0 without a duration),
// which team mode's marks (main/storage/budget-alert-marks.ts) use to announce once per period.
// One read for both engines: synchronous on the desktop's SQLite file, a Promise on PostgreSQL.
// Never shows a key: a key without an alias is named by its last four characters.
import { sql } from '../storage/sql-statement.js';
import { bindUnit, type ModeOf, type Returns, type StorageConnection } from '../storage/storage-connection.js';
import { all, readUnit } from '../storage/storage-unit.js';
import type { KeyBudget } from './budget-thresholds.js';

/** A watched budget and the end of its current period (0: the budget has no duration). */
export interface AlertBudget extends KeyBudget {
  periodEnd: number;
}

interface KeyRow {
  id: string;
  key_alias: string | null;
  key_last4: string;
  spend_micros: number;
  max_budget_micros: number;
  /** Read only with periods. */
  budget_reset_at?: number | null;
}

interface TeamRow {
  id: string;
  team_alias: string | null;
  spend_micros: number;
  max_budget_micros: number | null;
  soft_budget_micros: number | null;
  /** Read only with periods. */
  budget_reset_at?: number | null;
}

interface UserRow {
  id: string;
  user_email: string | null;
  spend_micros: number;
  max_budget_micros: number;
  /** Read only with periods. */
  budget_reset_at?: number | null;
}

/**
 * The three reads, written once; with `budget_reset_at` for team mode's marks, without it for the
 * desktop, whose check (after every flush) must not pay for a column it does not use.
 */
function budgetStatements(withPeriods: boolean) {
  const period = withPeriods ? ', budget_reset_at' : '';
  return {
    withPeriods,
    keys: sql(`SELECT id, key_alias, key_last4, spend_micros, max_budget_micros${period} FROM virtual_keys WHERE max_budget_micros IS NOT NULL`),
    teams: sql(`SELECT id, team_alias, spend_micros, max_budget_micros, soft_budget_micros${period} FROM teams WHERE max_budget_micros IS NOT NULL OR soft_budget_micros IS NOT NULL`),
    users: sql(`SELECT id, user_email, spend_micros, max_budget_micros${period} FROM users WHERE max_budget_micros IS NOT NULL`),
  };
}
const WITH_PERIODS = budgetStatements(true);
const WITHOUT_PERIODS = budgetStatements(false);

const readAlertBudgets = readUnit(function* (statements: ReturnType<typeof budgetStatements>) {
  const budgets: AlertBudget[] = [];
  const { withPeriods } = statements;
  for (const key of yield* all<KeyRow>(statements.keys)) {
    const app = key.key_alias ?? `key …${key.key_last4}`;
    budgets.push(withPeriods
      ? { keyId: key.id, app, spendMicros: key.spend_micros, maxBudgetMicros: key.max_budget_micros, periodEnd: key.budget_reset_at ?? 0 }
      : { keyId: key.id, app, spendMicros: key.spend_micros, maxBudgetMicros: key.max_budget_micros } as AlertBudget);
  }
  for (const team of yield* all<TeamRow>(statements.teams)) {
    const app = `team '${team.team_alias ?? team.id}'`;
    const hard = team.max_budget_micros;
    const soft = team.soft_budget_micros;
    if (withPeriods) {
      const periodEnd = team.budget_reset_at ?? 0;
      if (hard !== null) budgets.push({ keyId: `team:${team.id}`, app, spendMicros: team.spend_micros, maxBudgetMicros: hard, periodEnd });
      if (soft !== null) budgets.push({ keyId: `team-soft:${team.id}`, app, spendMicros: team.spend_micros, maxBudgetMicros: soft, soft: true, periodEnd });
    } else {
      if (hard !== null) budgets.push({ keyId: `team:${team.id}`, app, spendMicros: team.spend_micros, maxBudgetMicros: hard } as AlertBudget);
      if (soft !== null) budgets.push({ keyId: `team-soft:${team.id}`, app, spendMicros: team.spend_micros, maxBudgetMicros: soft, soft: true } as AlertBudget);
    }
  }
  for (const user of yield* all<UserRow>(statements.users)) {
    const app = `user '${user.user_email ?? user.id}'`;
    budgets.push(withPeriods
      ? { keyId: `user:${user.id}`, app, spendMicros: user.spend_micros, maxBudgetMicros: user.max_budget_micros, periodEnd: user.budget_reset_at ?? 0 }
      : { keyId: `user:${user.id}`, app, spendMicros: user.spend_micros, maxBudgetMicros: user.max_budget_micros } as AlertBudget);
  }
  return budgets;
});

/** Every watched budget; with `{ periods: true }` each with its period's end (team mode's marks). */
export function createAlertBudgetReader<C extends StorageConnection>(connection: C): () => Returns<ModeOf<C>, KeyBudget[]>;
export function createAlertBudgetReader<C extends StorageConnection>(connection: C, options: { periods: true }): () => Returns<ModeOf<C>, AlertBudget[]>;
export function createAlertBudgetReader<C extends StorageConnection>(connection: C, options: { periods?: boolean } = {}): () => Returns<ModeOf<C>, AlertBudget[]> {
  const read = bindUnit(connection, readAlertBudgets);
  const statements = options.periods === true ? WITH_PERIODS : WITHOUT_PERIODS;
  return () => read(statements);
}
