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
  budget_reset_at: number | null;
}

interface TeamRow {
  id: string;
  team_alias: string | null;
  spend_micros: number;
  max_budget_micros: number | null;
  soft_budget_micros: number | null;
  budget_reset_at: number | null;
}

interface UserRow {
  id: string;
  user_email: string | null;
  spend_micros: number;
  max_budget_micros: number;
  budget_reset_at: number | null;
}

const KEYS = sql('SELECT id, key_alias, key_last4, spend_micros, max_budget_micros, budget_reset_at FROM virtual_keys WHERE max_budget_micros IS NOT NULL');
const TEAMS = sql('SELECT id, team_alias, spend_micros, max_budget_micros, soft_budget_micros, budget_reset_at FROM teams WHERE max_budget_micros IS NOT NULL OR soft_budget_micros IS NOT NULL');
const USERS = sql('SELECT id, user_email, spend_micros, max_budget_micros, budget_reset_at FROM users WHERE max_budget_micros IS NOT NULL');

const readAlertBudgets = readUnit(function* () {
  const budgets: AlertBudget[] = [];
  for (const key of yield* all<KeyRow>(KEYS)) {
    budgets.push({ keyId: key.id, app: key.key_alias ?? `key …${key.key_last4}`, spendMicros: key.spend_micros, maxBudgetMicros: key.max_budget_micros, periodEnd: key.budget_reset_at ?? 0 });
  }
  for (const team of yield* all<TeamRow>(TEAMS)) {
    const app = `team '${team.team_alias ?? team.id}'`;
    const periodEnd = team.budget_reset_at ?? 0;
    if (team.max_budget_micros !== null) budgets.push({ keyId: `team:${team.id}`, app, spendMicros: team.spend_micros, maxBudgetMicros: team.max_budget_micros, periodEnd });
    if (team.soft_budget_micros !== null) budgets.push({ keyId: `team-soft:${team.id}`, app, spendMicros: team.spend_micros, maxBudgetMicros: team.soft_budget_micros, soft: true, periodEnd });
  }
  for (const user of yield* all<UserRow>(USERS)) {
    budgets.push({ keyId: `user:${user.id}`, app: `user '${user.user_email ?? user.id}'`, spendMicros: user.spend_micros, maxBudgetMicros: user.max_budget_micros, periodEnd: user.budget_reset_at ?? 0 });
  }
  return budgets;
});

export function createAlertBudgetReader<C extends StorageConnection>(connection: C): () => Returns<ModeOf<C>, AlertBudget[]> {
  return bindUnit(connection, readAlertBudgets);
}
