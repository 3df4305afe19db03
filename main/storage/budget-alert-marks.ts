// Budget alert marks: what each budget alert already announced, kept in the database so that the
// replicas of team mode announce each threshold of each budget once per budget period between them
// (migration 17). `claim` is a compare-and-set: one conditional upsert that raises the stored level
// and answers true only to the caller whose statement raised it; PostgreSQL's row lock makes two
// replicas claiming at once queue, and the second then finds the level already there. One
// definition for both engines: synchronous on SQLite (where nothing uses it yet: the desktop keeps
// its levels in memory), Promises on PostgreSQL. Never holds a webhook URL or a message.
import { sql } from './sql-statement.js';
import { bindUnit, type CallMode, type ModeOf, type Returns, type StorageConnection } from './storage-connection.js';
import { get, run, writeUnit } from './storage-unit.js';

/** One threshold of one budget in one period. */
export interface BudgetAlertMark {
  /** The alert entry's id: the key id, 'team:<id>', 'team-soft:<id>' or 'user:<id>'. */
  budgetId: string;
  /** The budget's budget_reset_at (the end of its period); 0 for a budget with no duration. */
  periodEnd: number;
  /** The budget's amount: a raised budget is a new mark, announced again as it fills. */
  maxBudgetMicros: number;
  level: 80 | 100;
}

export interface BudgetAlertMarksStore<M extends CallMode> {
  /** true when this call raised the mark to `level` (so the caller announces it); false when it was there already. */
  claim(mark: BudgetAlertMark, now: number): Returns<M, boolean>;
  /** Deletes the marks of periods that ended before `before`; how many went. */
  prune(before: number): Returns<M, number>;
}

// Only a rise is news (80 -> 100 announces again; 100 stays 100), the rule the desktop applies in memory.
const CLAIM = sql(
  `INSERT INTO budget_alert_marks (budget_id, period_end, max_budget_micros, level, sent_at) VALUES (?, ?, ?, ?, ?)
   ON CONFLICT (budget_id, period_end, max_budget_micros) DO UPDATE SET level = excluded.level, sent_at = excluded.sent_at
   WHERE budget_alert_marks.level < excluded.level
   RETURNING level`,
);
const PRUNE = sql('DELETE FROM budget_alert_marks WHERE period_end > 0 AND period_end < ?');

const claimMark = writeUnit(function* (mark: BudgetAlertMark, now: number) {
  return (yield* get<{ level: number }>(CLAIM, [mark.budgetId, mark.periodEnd, mark.maxBudgetMicros, mark.level, now])) !== undefined;
});

const pruneMarks = writeUnit(function* (before: number) {
  return (yield* run(PRUNE, [before])).changes;
});

export function createBudgetAlertMarks<C extends StorageConnection>(connection: C): BudgetAlertMarksStore<ModeOf<C>> {
  return { claim: bindUnit(connection, claimMark), prune: bindUnit(connection, pruneMarks) } as BudgetAlertMarksStore<ModeOf<C>>;
}
