// The budgets of teams and users as alert entries beside the keys' (budget-thresholds.ts): a team's
// max_budget and soft_budget, a user's max_budget. Each entry has an id of its own ("team:…",
// "team-soft:…", "user:…"), so a team's hard and soft budgets are announced separately. Read on the
// desktop's SQLite file only (team mode sends no budget alerts).
import type Database from 'better-sqlite3';
import type { KeyBudget } from './budget-thresholds.js';

interface TeamRow {
  id: string;
  team_alias: string | null;
  spend_micros: number;
  max_budget_micros: number | null;
  soft_budget_micros: number | null;
}

interface UserRow {
  id: string;
  user_email: string | null;
  spend_micros: number;
  max_budget_micros: number;
}

export function createOwnerBudgetReader(db: Database.Database): () => KeyBudget[] {
  const teams = db.prepare<[], TeamRow>('SELECT id, team_alias, spend_micros, max_budget_micros, soft_budget_micros FROM teams WHERE max_budget_micros IS NOT NULL OR soft_budget_micros IS NOT NULL');
  const users = db.prepare<[], UserRow>('SELECT id, user_email, spend_micros, max_budget_micros FROM users WHERE max_budget_micros IS NOT NULL');
  return () => {
    const budgets: KeyBudget[] = [];
    for (const team of teams.all()) {
      const app = `team '${team.team_alias ?? team.id}'`;
      if (team.max_budget_micros !== null) budgets.push({ keyId: `team:${team.id}`, app, spendMicros: team.spend_micros, maxBudgetMicros: team.max_budget_micros });
      if (team.soft_budget_micros !== null) budgets.push({ keyId: `team-soft:${team.id}`, app, spendMicros: team.spend_micros, maxBudgetMicros: team.soft_budget_micros, soft: true });
    }
    for (const user of users.all()) {
      budgets.push({ keyId: `user:${user.id}`, app: `user '${user.user_email ?? user.id}'`, spendMicros: user.spend_micros, maxBudgetMicros: user.max_budget_micros });
    }
    return budgets;
  };
}
