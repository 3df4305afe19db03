// Migration 17: what each budget alert already announced, so that in team mode (several replicas
// on one PostgreSQL database) each threshold of each budget is announced once per budget period
// across ALL replicas (issue 17 follow-up). One row per budget, period and budget amount holds the
// highest level announced (80 or 100); a replica announces only when its conditional upsert raised
// that level (main/storage/budget-alert-marks.ts), a compare-and-set the row lock makes exact.
//
// budget_id is the alert entry's id (the key id, 'team:<id>', 'team-soft:<id>', 'user:<id>');
// period_end the budget's budget_reset_at (0 when it has no duration), so a reset starts a new
// period; max_budget_micros the budget at the time, so a raised budget is announced again as it
// fills, as the desktop does. SQLite gets the same table, unused: the desktop is one process and
// keeps what it announced in memory.

export const version = 17;
export const name = 'budget-alert-marks';

export const sql = `
CREATE TABLE budget_alert_marks (
  budget_id TEXT NOT NULL,
  period_end INTEGER NOT NULL,
  max_budget_micros INTEGER NOT NULL,
  level INTEGER NOT NULL CHECK (level IN (80, 100)),
  sent_at INTEGER NOT NULL,
  PRIMARY KEY (budget_id, period_end, max_budget_micros)
) STRICT, WITHOUT ROWID;
CREATE INDEX budget_alert_marks_period_end ON budget_alert_marks (period_end) WHERE period_end > 0;
`;

export const postgresql = `
CREATE TABLE budget_alert_marks (
  budget_id TEXT NOT NULL,
  period_end BIGINT NOT NULL,
  max_budget_micros BIGINT NOT NULL,
  level BIGINT NOT NULL CHECK (level IN (80, 100)),
  sent_at BIGINT NOT NULL,
  PRIMARY KEY (budget_id, period_end, max_budget_micros)
);
CREATE INDEX budget_alert_marks_period_end ON budget_alert_marks (period_end) WHERE period_end > 0;
`;
